package io.brume.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium, headless, for tests of the pages brume serves: each call runs a fresh browser
 * with its own profile under {@code workDir}, lets the page's scripts run for a virtual-time
 * budget, and kills the browser and every child it left. Requires {@code /usr/bin/chromium} through
 * {@link Prerequisites} (fails naming it in CI).
 */
public final class HeadlessChromium {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final long TIMEOUT_SECONDS = 60;

  private final Path workDir;

  private HeadlessChromium(Path workDir) {
    this.workDir = workDir;
  }

  /** A browser whose profiles and outputs go under {@code workDir}; requires Chromium. */
  public static HeadlessChromium in(Path workDir) {
    Prerequisites.require(Files.isExecutable(CHROMIUM), "Debian's chromium at " + CHROMIUM);
    return new HeadlessChromium(workDir);
  }

  /** The DOM of {@code page} after its scripts ran for {@code budgetMillis} of virtual time. */
  public String dumpDom(URI page, int budgetMillis) throws IOException, InterruptedException {
    return run("--dump-dom", "--virtual-time-budget=" + budgetMillis, page.toString());
  }

  /** Saves a screenshot of {@code page} at {@code width}×{@code height} to {@code png}. */
  public void screenshot(URI page, Path png, int width, int height, int budgetMillis)
      throws IOException, InterruptedException {
    run(
        "--screenshot=" + png,
        "--window-size=" + width + "," + height,
        "--hide-scrollbars",
        "--virtual-time-budget=" + budgetMillis,
        page.toString());
  }

  private String run(String... args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(workDir, "chromium-profile");
    List<String> command =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    Path stdout = Files.createTempFile(workDir, "chromium-", ".out");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IOException(
            "chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
      }
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.onExit().join();
    }
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }
}
