package io.brume.emulation;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * How brume runs Debian's {@code crun}: always with a state root of its own ({@code --root}), so
 * that brume's containers never mix with anybody else's. Where cgroups are mounted in hybrid mode
 * (v1 controllers plus a v2 "unified" tree), crun 1.8 refuses to create containers ("cgroups in
 * hybrid mode not supported"); there every crun command runs through {@code unshare} in a private
 * mount namespace without the v2 mount, which leaves crun on cgroup v1 and changes nothing else.
 *
 * @param executable crun
 * @param unshare {@code unshare}, present only where cgroups are mounted in hybrid mode
 */
record Crun(Path executable, Optional<Path> unshare) {
  /** The file that exists where a cgroup v2 tree is mounted beside the v1 controllers. */
  static final Path HYBRID_MARKER = Path.of("/sys/fs/cgroup/unified/cgroup.controllers");

  /** What a crun command printed (stdout and stderr together) and how it exited. */
  record Result(int exitCode, String output) {
    boolean succeeded() {
      return exitCode == 0;
    }
  }

  /** The command line running {@code crun --root root args…}. */
  List<String> command(Path root, String... args) {
    List<String> crun = new ArrayList<>(List.of(executable.toString(), "--root", root.toString()));
    crun.addAll(List.of(args));
    if (unshare.isEmpty()) {
      return crun;
    }
    StringBuilder script = new StringBuilder("umount /sys/fs/cgroup/unified && exec");
    for (String part : crun) {
      script.append(" '").append(part.replace("'", "'\\''")).append('\'');
    }
    return List.of(
        unshare.get().toString(), "-m", "--propagation", "private", "sh", "-c", script.toString());
  }

  /**
   * Runs {@code crun --root root args…} to its end, killing it after {@code timeout}. Not for
   * {@code run --detach}: the container would inherit the output pipe and keep it open.
   */
  Result run(Path root, Duration timeout, String... args) throws IOException {
    List<String> command = command(root, args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      process.getOutputStream().close();
      // crun's commands other than a foreground run print little; read it all, then wait.
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("crun " + args[0] + " did not finish within " + timeout);
      }
      return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while running crun " + args[0]);
    } finally {
      process.destroyForcibly();
    }
  }

  /**
   * {@code crun --root root delete --force id}: kills the container's processes and removes its
   * cgroups and state (its mounts live in its own mount namespace and go with it).
   *
   * @return null once the container is gone, also when it never existed; else why it is not
   */
  @Nullable String forceDelete(Path root, Duration timeout, String id) {
    try {
      Result result = run(root, timeout, "delete", "--force", id);
      if (result.succeeded() || !Files.exists(root.resolve(id))) {
        return null; // also when crun run failed before creating anything
      }
      return result.output();
    } catch (IOException e) {
      return e.getMessage();
    }
  }
}
