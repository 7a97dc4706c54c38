package io.brume.pull;

import java.io.IOException;
import java.io.InputStream;

/**
 * Turns a compressed layer stream into the uncompressed tar stream. Implementations read the
 * compressed stream on their own schedule; closing the returned stream releases every resource
 * (threads, processes) and closes the compressed stream.
 */
public interface Decompressor {

  /** A short name for logs and benchmarks, e.g. {@code "igzip"} or {@code "java.util.zip"}. */
  String name();

  /** Wraps {@code compressed}; the caller owns and closes the returned stream. */
  InputStream decompress(InputStream compressed) throws IOException;
}
