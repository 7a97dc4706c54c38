package io.brume.store;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** Not enough free space in the store for a blob or layer; names it and the bytes needed. */
public final class InsufficientSpaceException extends IOException {
  private final long needed;
  private final long available;

  /** Creates the failure for {@code what} (for example "layer sha256:…"). */
  public InsufficientSpaceException(
      String what, long needed, long available, @Nullable Throwable cause) {
    super(
        "not enough disk space for "
            + what
            + ": needs "
            + needed
            + " bytes, "
            + available
            + " bytes available",
        cause);
    this.needed = needed;
    this.available = available;
  }

  /** Bytes that were needed. */
  public long needed() {
    return needed;
  }

  /** Bytes that were available when the check failed. */
  public long available() {
    return available;
  }
}
