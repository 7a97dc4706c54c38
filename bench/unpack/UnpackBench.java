import io.brume.unpack.ExtractionLimits;
import io.brume.unpack.ExtractionReport;
import io.brume.unpack.LayerExtractor;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Extracts layers with brume's LayerExtractor, one fresh JVM per run like `brume pull`, and prints
 * "EXTRACT_MS ENTRIES PEAK_RSS_MB" on stdout: the time spent inside extract() for all layers
 * together, the entries extracted and the JVM's peak resident set.
 *
 * <p>Usage: UnpackBench (tar|igzip) OUTDIR LAYER... — "tar" reads already-decompressed tar files,
 * "igzip" streams each .tar.gz through an `igzip -dc` process (as brume's pull does). The
 * environment variable BRUME_UNPACK_WRITERS sets the writer threads (default: the extractor's).
 *
 * <p>UNPACK_BENCH_PASSES=N (default 1) extracts all layers N times in the same JVM, each pass into
 * directories of its own, and prints the extract() time of every pass on stderr ("pass K: MS ms"):
 * the first pass pays class loading and JIT warm-up, the later ones show the steady state. The
 * stdout line is the first pass's, as a pull sees it.
 */
public final class UnpackBench {
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path out = Path.of(args[1]);
    String writers = System.getenv("BRUME_UNPACK_WRITERS");
    LayerExtractor extractor =
        writers == null || writers.isEmpty()
            ? new LayerExtractor()
            : new LayerExtractor(ExtractionLimits.defaults(), Integer.parseInt(writers));
    String passesEnv = System.getenv("UNPACK_BENCH_PASSES");
    int passes = passesEnv == null || passesEnv.isEmpty() ? 1 : Integer.parseInt(passesEnv);
    long[] first = {0, 0};
    for (int pass = 1; pass <= passes; pass++) {
      long[] result =
          extractAll(extractor, mode, pass == 1 ? out : out.resolve("pass" + pass), args);
      if (pass == 1) {
        first = result;
      }
      if (passes > 1) {
        System.err.println("pass " + pass + ": " + result[0] / 1_000_000 + " ms");
      }
    }
    // Peak resident set of this JVM, for the pull's RSS budget (the launcher runs it with -Xmx64m).
    String peakRss =
        Files.readAllLines(Path.of("/proc/self/status")).stream()
            .filter(line -> line.startsWith("VmHWM:"))
            .map(line -> line.replaceAll("[^0-9]", ""))
            .findFirst()
            .orElse("0");
    System.out.println(first[0] / 1_000_000 + " " + first[1] + " " + Long.parseLong(peakRss) / 1024);
  }

  /** Extracts every layer once into OUT/lN; returns {nanoseconds inside extract(), entries}. */
  private static long[] extractAll(LayerExtractor extractor, String mode, Path out, String[] args)
      throws Exception {
    long total = 0;
    long entries = 0;
    for (int i = 2; i < args.length; i++) {
      Path layer = Path.of(args[i]);
      Path diff = out.resolve("l" + (i - 2));
      Files.createDirectories(diff);
      long start = System.nanoTime();
      ExtractionReport report;
      if (mode.equals("tar")) {
        try (InputStream in = Files.newInputStream(layer)) {
          report = extractor.extract(in, diff, null);
        }
      } else {
        Process igzip =
            new ProcessBuilder("igzip", "-dc", layer.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (InputStream in = igzip.getInputStream()) {
          report = extractor.extract(in, diff, null);
          in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        if (igzip.waitFor() != 0) {
          throw new IllegalStateException("igzip failed on " + layer);
        }
      }
      total += System.nanoTime() - start;
      entries += report.entries();
    }
    return new long[] {total, entries};
  }
}
