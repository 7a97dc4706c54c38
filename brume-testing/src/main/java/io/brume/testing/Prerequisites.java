package io.brume.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test that drives real parts needs from the machine: root, Debian's tools. A missing
 * prerequisite never skips a test silently in CI ({@code CI=true}, where .ci/install-test-deps.sh
 * installs every tool and the run is root): there it fails the test, naming what is missing.
 * Elsewhere (a developer's machine without root, say) the test is aborted, which JUnit reports as
 * skipped with the reason.
 */
public final class Prerequisites {
  private static final List<String> SBIN_DIRECTORIES =
      List.of("/usr/local/sbin", "/usr/sbin", "/sbin");

  private Prerequisites() {}

  /** True when the tests run in CI, where every prerequisite must be present. */
  public static boolean inCi() {
    return "true".equals(System.getenv("CI"));
  }

  /** Continues when {@code present}; otherwise fails in CI and aborts elsewhere: "needs WHAT". */
  public static void require(boolean present, String what) {
    if (present) {
      return;
    }
    String problem = "needs " + what;
    if (inCi()) {
      Assertions.fail(
          problem + " (CI=true: .ci/install-test-deps.sh installs the tools; run as root)");
    }
    Assumptions.abort(problem);
  }

  /** Requires root, saying why the test needs it. */
  public static void requireRoot(String why) {
    require(isRoot(), "root (" + why + ")");
  }

  /** Requires each tool on PATH (or in an sbin directory); the message names every missing one. */
  public static void requireTools(String... tools) {
    List<String> missing = new ArrayList<>();
    for (String tool : tools) {
      if (find(tool) == null) {
        missing.add(tool);
      }
    }
    require(missing.isEmpty(), "the tools " + String.join(", ", missing));
  }

  /** Whether this JVM runs as root. */
  public static boolean isRoot() {
    try {
      return Integer.valueOf(0)
          .equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read this process's user id", e);
    } catch (UnsupportedOperationException e) {
      return false;
    }
  }

  /** The executable {@code tool} on PATH or in an sbin directory, or null. */
  public static @Nullable Path find(String tool) {
    List<String> directories =
        new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(":")));
    directories.addAll(SBIN_DIRECTORIES);
    for (String directory : directories) {
      if (directory.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(directory, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
