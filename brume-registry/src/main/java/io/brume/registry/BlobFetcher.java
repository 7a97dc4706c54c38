package io.brume.registry;

import io.brume.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;

/** Reads a small blob (an image config) fully into memory and verifies digest and size. */
final class BlobFetcher {

  /** Configs are small; a larger "config" is refused rather than buffered. */
  static final long MAX_IN_MEMORY_BLOB = 16L * 1024 * 1024;

  /** Opens a blob from an offset; the client's guarded, rate-limited {@code openBlob}. */
  @FunctionalInterface
  interface Opener {
    BlobResponse open(String repository, io.brume.oci.Digest digest, long fromOffset)
        throws IOException, InterruptedException;
  }

  private final Opener opener;

  BlobFetcher(Opener opener) {
    this.opener = opener;
  }

  byte[] fetch(String repository, Descriptor descriptor) throws IOException, InterruptedException {
    if (descriptor.size() > MAX_IN_MEMORY_BLOB) {
      throw new IOException(
          "blob "
              + descriptor.digest()
              + " of "
              + repository
              + " is "
              + descriptor.size()
              + " bytes, more than the "
              + MAX_IN_MEMORY_BLOB
              + " allowed in memory");
    }
    try (BlobResponse response = opener.open(repository, descriptor.digest(), 0);
        InputStream in =
            new VerifyingInputStream(response.body(), descriptor.digest(), descriptor.size())) {
      byte[] bytes = in.readNBytes((int) descriptor.size());
      // Reading to the end makes the stream check size and digest (and reject trailing bytes).
      if (in.read() != -1) {
        throw new IllegalStateException("unreachable: verifying stream allowed excess bytes");
      }
      return bytes;
    }
  }
}
