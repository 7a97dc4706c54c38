package io.brume.emulation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the demo replicas run on this machine, decided once at start-up: as real containers with
 * {@code crun} (which needs root), or in-process; {@link #description()} is the one line the
 * dashboard shows ({@code DashboardSource.replicaRuntime()}), for example {@code "containers (crun
 * 1.8.1)"} or {@code "in-process (not root)"}.
 *
 * @param crun how to run crun, present when replicas run as containers
 * @param description what the page says
 */
record ReplicaRuntime(Optional<Crun> crun, String description) {
  private static final Pattern VERSION = Pattern.compile("crun version (\\S+)");

  /** What detection looks at; {@link #decide} is pure so that every reason can be tested. */
  record Machine(
      boolean root,
      Optional<Path> crun,
      Optional<String> crunVersion,
      boolean hybridCgroups,
      Optional<Path> unshare) {}

  /** Whether replicas run as containers. */
  boolean containers() {
    return crun.isPresent();
  }

  /** Looks at this machine: root, crun on PATH (and that it runs), the cgroup layout. */
  static ReplicaRuntime detect() {
    Optional<Path> crun = onPath("crun");
    return decide(
        new Machine(
            isRoot(),
            crun,
            crun.flatMap(ReplicaRuntime::version),
            Files.exists(Crun.HYBRID_MARKER),
            onPath("unshare")));
  }

  /** Containers when the machine has everything they need; otherwise in-process, saying why. */
  static ReplicaRuntime decide(Machine machine) {
    if (!machine.root()) {
      return inProcess("not root");
    }
    if (machine.crun().isEmpty()) {
      return inProcess("crun not found on PATH");
    }
    if (machine.crunVersion().isEmpty()) {
      return inProcess(machine.crun().get() + " --version failed");
    }
    if (machine.hybridCgroups() && machine.unshare().isEmpty()) {
      return inProcess("cgroups in hybrid mode and no unshare to hide the v2 tree from crun");
    }
    Crun crun =
        new Crun(
            machine.crun().get(),
            machine.hybridCgroups() ? machine.unshare() : Optional.<Path>empty());
    return new ReplicaRuntime(
        Optional.of(crun), "containers (crun " + machine.crunVersion().get() + ")");
  }

  /**
   * This runtime for replicas of the image exported to {@code bundle}: in-process when the image
   * has no {@code /bin/busybox} (the container serves its page with busybox httpd) or no {@code
   * /www}.
   */
  ReplicaRuntime forBundle(Path bundle) {
    if (!containers()) {
      return this;
    }
    Optional<String> missing = ContainerReplica.missingFromBundle(bundle);
    return missing.isPresent() ? inProcess("the image has no " + missing.get()) : this;
  }

  private static ReplicaRuntime inProcess(String reason) {
    return new ReplicaRuntime(Optional.empty(), "in-process (" + reason + ")");
  }

  private static boolean isRoot() {
    try {
      return Integer.valueOf(0)
          .equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
    } catch (IOException | UnsupportedOperationException e) {
      return false; // no /proc or no unix attributes: not a Linux root, no containers
    }
  }

  private static Optional<Path> onPath(String tool) {
    for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, tool))) {
        return Optional.of(Path.of(directory, tool));
      }
    }
    return Optional.empty();
  }

  /** The version {@code crun --version} prints, or empty when it does not run. */
  private static Optional<String> version(Path crun) {
    try {
      Process process =
          new ProcessBuilder(crun.toString(), "--version").redirectErrorStream(true).start();
      try {
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
          return Optional.empty();
        }
        Matcher matcher = VERSION.matcher(output);
        return Optional.of(matcher.find() ? matcher.group(1) : "unknown version");
      } finally {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
