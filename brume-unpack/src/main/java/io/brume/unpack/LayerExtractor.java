package io.brume.unpack;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Extracts one layer's uncompressed tar stream into an empty directory that becomes the layer's own
 * diff: regular files, directories, symlinks, hard links within the layer, fifos, device nodes (as
 * root), modes with setuid/setgid/sticky, ownership (as root), mtimes and PAX xattrs. Whiteouts,
 * opaque whiteouts, hard links into lower layers and implicitly created parents are not applied but
 * recorded in the returned {@link ExtractionReport#changes()}, to be persisted with {@link
 * LayerChanges#writeTo} and applied by {@link LayerApplier}.
 *
 * <p>Nothing is ever created, linked or deleted outside the directory: see {@link
 * UnsafeEntryException} and {@link ExpansionLimitException} for what is refused. Extraction
 * streams: the caller may pass the output of a decompressor that is still downloading.
 */
public final class LayerExtractor {
  private final ExtractionLimits limits;
  private final int writerThreads;

  /** An extractor with the given bounds and {@link #defaultWriterThreads()}. */
  public LayerExtractor(ExtractionLimits limits) {
    this(limits, defaultWriterThreads());
  }

  /**
   * An extractor with the given bounds that writes small files on {@code writerThreads} threads
   * besides the one reading the stream (0: everything on the calling thread).
   */
  public LayerExtractor(ExtractionLimits limits, int writerThreads) {
    if (writerThreads < 0) {
      throw new IllegalArgumentException("negative writer thread count: " + writerThreads);
    }
    this.limits = limits;
    this.writerThreads = writerThreads;
  }

  /** An extractor with {@link ExtractionLimits#defaults()}. */
  public LayerExtractor() {
    this(ExtractionLimits.defaults());
  }

  /**
   * Writers only on processors that the pipeline leaves free: the decompressor (an igzip process)
   * and the reading thread take two, so a 2-core node writes on the reading thread alone. Measured
   * on the 2-core VM (docs/bench/unpack.md): two writers there made extraction slower (4.0 s vs 2.5
   * s median), the threads only interleaving on the same cores. At most 4: file creation in a
   * shared directory contends on the directory's lock beyond that.
   */
  public static int defaultWriterThreads() {
    return Math.max(0, Math.min(4, Runtime.getRuntime().availableProcessors() - 2));
  }

  /**
   * Links the native calls that extraction makes ({@code open}, {@code write}, {@code fchown}, …):
   * the first extraction in a JVM otherwise pays for it when it starts (~0.1 s on the 2-core VM,
   * docs/bench/startup.md). A caller that has time to spare before its first extraction, such as a
   * pull waiting for the registry, can do it then, on another thread. Idempotent and thread-safe.
   */
  public static void prepare() {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      lookup.ensureInitialized(NativeFiles.class);
      lookup.ensureInitialized(Posix.class);
    } catch (IllegalAccessException e) {
      throw new AssertionError("the extractor's own classes are accessible to it", e);
    }
  }

  /** Extracts without a compression-ratio check (the compressed size is unknown). */
  public ExtractionReport extract(InputStream tar, Path diffDir) throws IOException {
    return extract(tar, diffDir, null);
  }

  /**
   * Extracts {@code tar} into {@code diffDir}, which must exist and be empty.
   *
   * @param compressedBytesRead how many compressed bytes the decompressor feeding {@code tar} has
   *     consumed so far, for the ratio bound; null to skip that check
   */
  public ExtractionReport extract(
      InputStream tar, Path diffDir, @Nullable LongSupplier compressedBytesRead)
      throws IOException {
    try (var children = Files.list(diffDir)) {
      if (children.findAny().isPresent()) {
        throw new FileSystemException(diffDir.toString(), null, "layer diff directory not empty");
      }
    }
    ExpansionBudget budget = new ExpansionBudget(limits, compressedBytesRead);
    RootWriter writer =
        new RootWriter(
            diffDir, RootWriter.Whiteouts.RECORD, budget, Posix.isRoot(), true, writerThreads);
    return TarLayerReader.read(tar, writer, budget);
  }
}
