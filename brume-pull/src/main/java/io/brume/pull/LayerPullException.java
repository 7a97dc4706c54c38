package io.brume.pull;

import io.brume.oci.Digest;
import java.io.IOException;

/** A layer could not be pulled; the message names the layer and what went wrong. */
public final class LayerPullException extends IOException {
  private static final long serialVersionUID = 1L;

  private LayerPullException(String message, IOException cause) {
    super(message, cause);
  }

  /** Names {@code layer} in {@code failure}'s message unless it already does. */
  static IOException of(Digest layer, IOException failure) {
    if (failure instanceof LayerPullException) {
      return failure;
    }
    String message = String.valueOf(failure.getMessage());
    return message.contains(layer.toString())
        ? new LayerPullException(message, failure)
        : new LayerPullException("layer " + layer + ": " + message, failure);
  }
}
