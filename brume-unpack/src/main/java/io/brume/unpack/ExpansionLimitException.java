package io.brume.unpack;

import java.io.IOException;

/**
 * A layer expanded beyond the configured bounds (a decompression bomb or an absurdly large layer);
 * extraction stops before writing the bytes that would cross the bound.
 */
public final class ExpansionLimitException extends IOException {
  /** Creates the failure with a message naming the layer position and the bound crossed. */
  public ExpansionLimitException(String message) {
    super(message);
  }
}
