package io.brume.pull;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * In-process gzip with {@code java.util.zip} (zlib, CRC32 intrinsified). Single-threaded: the
 * standard engines' baseline, and the fallback when no faster external inflater is installed.
 */
final class JavaGzipDecompressor implements Decompressor {
  // Large buffers matter: zlib's per-call overhead dominates with the default 512 bytes.
  private static final int BUFFER = 256 * 1024;

  @Override
  public String name() {
    return "java.util.zip";
  }

  @Override
  public InputStream decompress(InputStream compressed) throws IOException {
    // GZIPInputStream reads concatenated members too, which pigz and multi-member layers use.
    return new BufferedInputStream(
        new GZIPInputStream(new BufferedInputStream(compressed, BUFFER), BUFFER), BUFFER);
  }
}
