package io.brume.pull;

import io.brume.oci.Digest;
import io.brume.unpack.ExtractionReport;
import io.brume.unpack.LayerExtractor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Inflates one layer and extracts it into its (staging) diff directory, checking the uncompressed
 * stream against the image config's {@code diff_id}. The compressed stream may still be arriving.
 */
final class LayerUnpacker {
  private final LayerExtractor extractor;

  LayerUnpacker(LayerExtractor extractor) {
    this.extractor = extractor;
  }

  /** What one layer became on disk. */
  record Unpacked(ExtractionReport report, long uncompressedSize) {}

  Unpacked unpack(
      Digest diffId,
      InputStream compressed,
      Decompressor decompressor,
      Path diffDir,
      LongSupplier compressedBytesRead)
      throws IOException {
    try (InputStream tar = decompressor.decompress(compressed)) {
      HashingInputStream hashed = new HashingInputStream(tar, diffId.newHasher());
      ExtractionReport report = extractor.extract(hashed, diffDir, compressedBytesRead);
      // The archive's end-of-archive blocks and padding belong to the diff_id too.
      hashed.transferTo(OutputStream.nullOutputStream());
      byte[] actual = hashed.digest();
      if (!diffId.matches(actual)) {
        throw new DiffIdMismatchException(diffId, Digest.fromHash(diffId.algorithm(), actual));
      }
      return new Unpacked(report, hashed.count());
    }
  }
}
