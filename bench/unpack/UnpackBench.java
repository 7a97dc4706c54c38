import io.brume.unpack.ExtractionReport;
import io.brume.unpack.LayerExtractor;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Extracts layers with brume's LayerExtractor, one fresh JVM per run like `brume pull`, and prints
 * the time spent inside extract() for all layers together (ms) on stdout.
 *
 * <p>Usage: UnpackBench (tar|igzip) OUTDIR LAYER... — "tar" reads already-decompressed tar files,
 * "igzip" streams each .tar.gz through an `igzip -dc` process (as brume's pull does).
 */
public final class UnpackBench {
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path out = Path.of(args[1]);
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
          report = new LayerExtractor().extract(in, diff, null);
        }
      } else {
        Process igzip =
            new ProcessBuilder("igzip", "-dc", layer.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (InputStream in = igzip.getInputStream()) {
          report = new LayerExtractor().extract(in, diff, null);
          in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        if (igzip.waitFor() != 0) {
          throw new IllegalStateException("igzip failed on " + layer);
        }
      }
      total += System.nanoTime() - start;
      entries += report.entries();
    }
    System.out.println(total / 1_000_000 + " " + entries);
  }
}
