package io.brume.image;

import static org.assertj.core.api.Assertions.fail;

import io.brume.testing.Prerequisites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The external tools the image tests drive, and running them. */
final class Tools {
  private Tools() {}

  /** What a finished command printed (stdout and stderr together) and its exit code. */
  record Result(int exitCode, String output) {
    Result requireSuccess(List<String> command) {
      if (exitCode != 0) {
        fail("%s exited with %d:%n%s", String.join(" ", command), exitCode, tail(output));
      }
      return this;
    }
  }

  /**
   * Fails (under {@code CI=true}) or aborts the test (elsewhere, visibly) when a tool ({@code
   * "tool=debian-package"}) is missing or, with {@code root}, this is not root; the message names
   * the tool and its Debian package.
   */
  static void require(boolean root, List<String> toolsAndPackages) {
    List<String> missing = new ArrayList<>();
    for (String entry : toolsAndPackages) {
      String tool = entry.split("=")[0];
      if (find(tool) == null) {
        missing.add(tool + " (Debian package " + entry.substring(entry.indexOf('=') + 1) + ")");
      }
    }
    Prerequisites.require(missing.isEmpty(), "the tools " + String.join(", ", missing));
    if (root) {
      Prerequisites.requireRoot("debootstrap, crun, containerd");
    }
  }

  /** The executable on PATH (or in /usr/sbin, /sbin), or null. */
  static Path find(String tool) {
    return Prerequisites.find(tool);
  }

  /** Runs a command to its end (killing it after {@code timeout}); never throws on exit codes. */
  static Result run(List<String> command, Duration timeout) {
    try {
      Path output = Files.createTempFile("brume-image-command", ".log");
      try {
        Process process =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor();
          fail(
              "%s did not finish within %s:%n%s",
              String.join(" ", command), timeout, tail(Files.readString(output)));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  static String tail(String output) {
    String[] lines = output.split("\n");
    int from = Math.max(0, lines.length - 40);
    return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }
}
