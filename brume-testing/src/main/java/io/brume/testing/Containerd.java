package io.brume.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assertions;

/**
 * A real containerd (Debian's) of the test's own: root, state, sockets and log under one directory,
 * talked to with {@code ctr} in one namespace. {@link #start} runs a plain daemon (CRI plugin off);
 * {@link #withBrumeSnapshotter} configures it as a Kubernetes node is for brume
 * (deploy/containerd/config.toml): {@code [proxy_plugins.brume]} on the snapshotter's socket, CRI
 * {@code snapshotter = "brume"}, {@code disable_snapshot_annotations = false} and the registry
 * hosts directory. {@link #close} stops it and its shims and unmounts what it left under its
 * directory. Unix socket paths are limited to 108 bytes: give it a short directory.
 */
public final class Containerd implements AutoCloseable {
  /** Plugins no test needs: other snapshotters, tracing. */
  private static final String UNUSED_PLUGINS =
      Stream.of(
              "io.containerd.snapshotter.v1.aufs",
              "io.containerd.snapshotter.v1.btrfs",
              "io.containerd.snapshotter.v1.zfs",
              "io.containerd.snapshotter.v1.devmapper",
              "io.containerd.tracing.processor.v1.otlp")
          .map(plugin -> '"' + plugin + '"')
          .collect(Collectors.joining(", "));

  /** Private root, state and sockets under the directory (%1$s); %2$s and %3$s: the plugins off. */
  private static final String COMMON =
      """
      version = 2
      root = "%1$s/root"
      state = "%1$s/state"
      disabled_plugins = [%2$s,
        %3$s]
      [grpc]
        address = "%1$s/containerd.sock"
      [ttrpc]
        address = "%1$s/containerd.sock.ttrpc"
      [debug]
        level = "warn"
      """;

  private static final String PLAIN =
      """
      [plugins."io.containerd.internal.v1.opt"]
        path = "%1$s/opt"
      """;

  /** %2$s: the snapshotter's socket, %3$s: the registry hosts directory. */
  private static final String WITH_BRUME_SNAPSHOTTER =
      """
      [proxy_plugins]
        [proxy_plugins.brume]
          type = "snapshot"
          address = "%2$s"
      [plugins."io.containerd.grpc.v1.cri"]
        stream_server_port = "0"
        [plugins."io.containerd.grpc.v1.cri".containerd]
          snapshotter = "brume"
          disable_snapshot_annotations = false
        [plugins."io.containerd.grpc.v1.cri".registry]
          config_path = "%3$s"
      """;

  private final Path directory;
  private final Path socket;
  private final String namespace;
  private final Process process;

  private Containerd(Path directory, String namespace, Process process) {
    this.directory = directory;
    this.socket = directory.resolve("containerd.sock");
    this.namespace = namespace;
    this.process = process;
  }

  /**
   * Starts a plain containerd (no CRI) in {@code directory}; {@code ctr} uses {@code namespace}.
   */
  public static Containerd start(Path directory, String namespace) throws IOException {
    String config =
        COMMON.formatted(directory, "\"io.containerd.grpc.v1.cri\"", UNUSED_PLUGINS)
            + PLAIN.formatted(directory);
    return start(directory, namespace, config);
  }

  /**
   * Starts containerd configured for brume's snapshotter at {@code snapshotterSocket}, registry
   * hosts from {@code hostsDir}; {@code ctr} uses the CRI namespace {@code k8s.io}.
   */
  public static Containerd withBrumeSnapshotter(
      Path directory, Path snapshotterSocket, Path hostsDir) throws IOException {
    String config =
        COMMON.formatted(directory, "\"io.containerd.internal.v1.opt\"", UNUSED_PLUGINS)
            + WITH_BRUME_SNAPSHOTTER.formatted(directory, snapshotterSocket, hostsDir);
    return start(directory, "k8s.io", config);
  }

  private static Containerd start(Path directory, String namespace, String config)
      throws IOException {
    Prerequisites.requireTools("containerd", "ctr"); // Debian package containerd
    Prerequisites.requireRoot("containerd mounts snapshots");
    Files.createDirectories(directory);
    Path configFile = directory.resolve("config.toml");
    Files.writeString(configFile, config);
    Process process =
        new ProcessBuilder("containerd", "--config", configFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("containerd.log").toFile())
            .start();
    Containerd containerd = new Containerd(directory, namespace, process);
    try {
      Awaitility.await("containerd answering on " + containerd.socket)
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> !process.isAlive() || containerd.answers());
      if (!process.isAlive()) {
        Assertions.fail("containerd exited; log:\n" + Commands.tail(containerd.log()));
      }
      return containerd;
    } catch (RuntimeException | Error e) {
      containerd.close();
      throw e;
    }
  }

  private boolean answers() {
    return Files.exists(socket) && run(List.of("version"), Duration.ofSeconds(20)).exitCode() == 0;
  }

  /** The daemon's gRPC socket. */
  public Path socket() {
    return socket;
  }

  /** The containerd root directory (its content store is under it). */
  public Path root() {
    return directory.resolve("root");
  }

  /** What the daemon logged so far. */
  public String log() {
    try {
      Path log = directory.resolve("containerd.log");
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs {@code ctr ARGS} against this daemon in its namespace and returns its output; fails on
   * error.
   */
  public String ctr(String... args) {
    List<String> command = command(List.of(args));
    return Commands.run(command, Duration.ofMinutes(3)).requireSuccess(command).output();
  }

  /** Runs {@code ctr ARGS} against this daemon in its namespace, whatever its exit code. */
  public Commands.Result run(List<String> args, Duration timeout) {
    return Commands.run(command(args), timeout);
  }

  private List<String> command(List<String> args) {
    List<String> command =
        new ArrayList<>(List.of("ctr", "--address", socket.toString(), "--namespace", namespace));
    command.addAll(args);
    return command;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    killShims();
    unmountUnder(directory);
    removeNamespaceCgroups();
  }

  /**
   * runc removes a container's cgroup but not the namespace's directory above it ({@code
   * /sys/fs/cgroup/CONTROLLER/NAMESPACE}, or {@code /sys/fs/cgroup/NAMESPACE} on a cgroup v2 host):
   * without this, every test that ran a container left one empty directory per controller. One
   * still in use (child groups or tasks) refuses rmdir, and stays.
   */
  private void removeNamespaceCgroups() {
    Path root = Path.of("/sys/fs/cgroup");
    List<Path> directories = new ArrayList<>(List.of(root.resolve(namespace)));
    try (Stream<Path> controllers = Files.list(root)) {
      controllers.forEach(controller -> directories.add(controller.resolve(namespace)));
    } catch (IOException e) {
      return; // no cgroup file system here: nothing was created
    }
    for (Path cgroup : directories) {
      if (Files.isDirectory(cgroup, LinkOption.NOFOLLOW_LINKS)) {
        try {
          Files.delete(cgroup);
        } catch (IOException stillInUse) {
          // Another daemon's container lives there (a real node's k8s.io): not ours to remove.
        }
      }
    }
  }

  /** Shims outlive containerd by design; ours name our socket on their command line. */
  private void killShims() {
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(socket.toString())).orElse(false))
        .forEach(ProcessHandle::destroyForcibly);
  }

  /** Unmounts (lazily, deepest first) every mount below {@code directory}. */
  public static void unmountUnder(Path directory) {
    List<String> mounts = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String mountPoint = line.split(" ")[4].replace("\\040", " ");
        if (mountPoint.startsWith(directory + "/")) {
          mounts.add(mountPoint);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    mounts.sort(Comparator.reverseOrder());
    for (String mount : mounts) {
      Commands.run(List.of("umount", "-l", mount), Duration.ofSeconds(30));
    }
  }
}
