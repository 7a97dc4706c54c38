package io.brume.pull;

import io.brume.oci.Digest;
import java.io.IOException;

/**
 * A layer's uncompressed content does not hash to the image config's {@code diff_id}: the blob
 * verified, but it is not the layer the image describes. Never retried; its snapshot is rolled
 * back.
 */
public final class DiffIdMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  DiffIdMismatchException(Digest diffId, Digest actual) {
    super(
        "the uncompressed layer does not match the image config's diff_id "
            + diffId
            + " (it hashes to "
            + actual
            + ")");
  }
}
