package io.brume.unpack;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The layer's uncompressed tar stream ended before the archive did: inside an entry's data, inside
 * the zero padding that must fill an entry's last 512-byte record, or inside a header. The message
 * says which of these, names the last entry and gives byte offsets into the uncompressed stream.
 */
public final class TruncatedArchiveException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String entryName;
  private final long streamEnd;

  TruncatedArchiveException(
      String entryName, long streamEnd, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.entryName = entryName;
    this.streamEnd = streamEnd;
  }

  /** The last entry whose header was read, as written in the archive; empty if there was none. */
  public String entryName() {
    return entryName;
  }

  /** How many uncompressed bytes the stream held (the offset at which it ended). */
  public long streamEnd() {
    return streamEnd;
  }
}
