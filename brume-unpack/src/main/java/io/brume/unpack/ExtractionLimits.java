package io.brume.unpack;

/**
 * Bounds on what one layer may expand to, against decompression bombs and absurd archives.
 *
 * @param maxExpandedBytes bound on the uncompressed tar stream and on the bytes written to disk
 * @param maxEntries bound on the number of tar entries (inode exhaustion)
 * @param maxRatio bound on uncompressed / compressed bytes, checked once {@code ratioGraceBytes}
 *     have been expanded (gzip cannot exceed ~1032:1; zstd and nested tricks can)
 * @param ratioGraceBytes expansion below which the ratio is not checked (small layers of zeros are
 *     legitimate)
 */
public record ExtractionLimits(
    long maxExpandedBytes, long maxEntries, double maxRatio, long ratioGraceBytes) {

  /** Validates the bounds. */
  public ExtractionLimits {
    if (maxExpandedBytes <= 0 || maxEntries <= 0 || !(maxRatio > 1) || ratioGraceBytes < 0) {
      throw new IllegalArgumentException(
          "extraction limits must be positive (ratio > 1): "
              + maxExpandedBytes
              + ", "
              + maxEntries
              + ", "
              + maxRatio
              + ", "
              + ratioGraceBytes);
    }
  }

  /** 64 GiB, 10 million entries, ratio 1500 after the first 512 MiB. */
  public static ExtractionLimits defaults() {
    return new ExtractionLimits(64L << 30, 10_000_000, 1500, 512L << 20);
  }
}
