package io.brume.unpack;

import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Counts what one layer expands to and stops extraction as soon as a bound in {@link
 * ExtractionLimits} would be crossed: uncompressed stream bytes, content bytes written, entries,
 * and the compression ratio when the caller can say how many compressed bytes were consumed.
 */
final class ExpansionBudget {
  private final ExtractionLimits limits;
  private final @Nullable LongSupplier compressedBytes;
  private long streamBytes;
  private long writtenBytes;
  private long entries;

  /**
   * @param compressedBytes compressed bytes consumed so far, or null when unknown (no ratio check)
   */
  ExpansionBudget(ExtractionLimits limits, @Nullable LongSupplier compressedBytes) {
    this.limits = limits;
    this.compressedBytes = compressedBytes;
  }

  void onStreamBytes(long count) throws ExpansionLimitException {
    streamBytes += count;
    if (streamBytes > limits.maxExpandedBytes()) {
      throw new ExpansionLimitException(
          "layer tar stream exceeds the limit of " + limits.maxExpandedBytes() + " bytes");
    }
    if (compressedBytes != null && streamBytes > limits.ratioGraceBytes()) {
      long compressed = Math.max(1, compressedBytes.getAsLong());
      double ratio = (double) streamBytes / compressed;
      if (ratio > limits.maxRatio()) {
        throw new ExpansionLimitException(
            String.format(
                "layer expands %.0f:1 (%d bytes from %d compressed), above the limit of %.0f:1;"
                    + " refusing a likely decompression bomb",
                ratio, streamBytes, compressed, limits.maxRatio()));
      }
    }
  }

  void onEntry(String entryName) throws ExpansionLimitException {
    if (++entries > limits.maxEntries()) {
      throw new ExpansionLimitException(
          "layer has more than " + limits.maxEntries() + " entries (at \"" + entryName + "\")");
    }
  }

  /** Fails before writing a file whose declared size alone would cross the bound. */
  void reserve(long size, String entryName) throws ExpansionLimitException {
    if (size < 0 || size > limits.maxExpandedBytes() - writtenBytes) {
      throw new ExpansionLimitException(
          "entry \""
              + entryName
              + "\" declares "
              + size
              + " bytes, more than the "
              + (limits.maxExpandedBytes() - writtenBytes)
              + " bytes left of the layer's limit of "
              + limits.maxExpandedBytes());
    }
  }

  void onWritten(long count, String entryName) throws ExpansionLimitException {
    writtenBytes += count;
    if (writtenBytes > limits.maxExpandedBytes()) {
      throw new ExpansionLimitException(
          "writing \""
              + entryName
              + "\" crosses the layer's limit of "
              + limits.maxExpandedBytes()
              + " bytes written");
    }
  }

  long streamBytes() {
    return streamBytes;
  }

  long writtenBytes() {
    return writtenBytes;
  }

  long entries() {
    return entries;
  }
}
