package io.brume.registry;

import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/**
 * An open blob download. When a resume was asked for and the registry honoured the {@code Range}
 * request, {@link #body()} starts at {@link #startOffset()} = the requested offset; when the
 * registry ignored it, the body starts at 0 and the caller must restart hashing from scratch (or
 * discard the bytes it already has).
 */
public final class BlobResponse implements AutoCloseable {

  private final InputStream body;
  private final long startOffset;
  private final OptionalLong totalSize;
  private final boolean rangeHonoured;

  BlobResponse(InputStream body, long startOffset, OptionalLong totalSize, boolean rangeHonoured) {
    this.body = body;
    this.startOffset = startOffset;
    this.totalSize = totalSize;
    this.rangeHonoured = rangeHonoured;
  }

  /** The bytes from {@link #startOffset()} to the end of the blob; not verified. */
  public InputStream body() {
    return body;
  }

  /** The blob offset of the first byte of {@link #body()}. */
  public long startOffset() {
    return startOffset;
  }

  /** The size of the whole blob when the registry said it. */
  public OptionalLong totalSize() {
    return totalSize;
  }

  /** Whether a requested non-zero offset was honoured (always true for offset 0). */
  public boolean rangeHonoured() {
    return rangeHonoured;
  }

  @Override
  public void close() throws IOException {
    body.close();
  }
}
