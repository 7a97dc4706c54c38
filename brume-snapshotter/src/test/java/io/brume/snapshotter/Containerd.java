package io.brume.snapshotter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real containerd 1.6 (Debian's) with a private root, state and socket, configured as a
 * Kubernetes node would be for brume: {@code [proxy_plugins.brume]} on the snapshotter's socket,
 * CRI {@code snapshotter = "brume"}, {@code disable_snapshot_annotations = false} and the registry
 * hosts directory. {@link #close} stops it, its shims, and unmounts what it left under its
 * directory.
 */
final class Containerd implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/containerd");
  static final Path CTR = Path.of("/usr/bin/ctr");

  private final Path directory;
  private final Path socket;
  private final Process process;

  private Containerd(Path directory, Path socket, Process process) {
    this.directory = directory;
    this.socket = socket;
    this.process = process;
  }

  /** The configuration a node gets from deploy/containerd/config.toml, with private paths. */
  static String config(Path directory, Path snapshotterSocket, Path hostsDir) {
    return """
        version = 2
        root = "%1$s/root"
        state = "%1$s/state"
        disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
          "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
          "io.containerd.internal.v1.opt", "io.containerd.tracing.processor.v1.otlp"]
        [grpc]
          address = "%1$s/containerd.sock"
        [ttrpc]
          address = "%1$s/containerd.sock.ttrpc"
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
        """
        .formatted(directory, snapshotterSocket, hostsDir);
  }

  static Containerd start(Path directory, Path snapshotterSocket, Path hostsDir)
      throws IOException {
    Files.createDirectories(directory);
    Path config = directory.resolve("config.toml");
    Files.writeString(config, config(directory, snapshotterSocket, hostsDir));
    Path socket = directory.resolve("containerd.sock");
    Process process =
        new ProcessBuilder(BINARY.toString(), "--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("containerd.log").toFile())
            .start();
    Containerd containerd = new Containerd(directory, socket, process);
    try {
      Awaitility.await("containerd socket " + socket)
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> !process.isAlive() || containerd.answers());
      assertThat(process.isAlive()).as("containerd exited; log:\n%s", containerd.log()).isTrue();
      return containerd;
    } catch (RuntimeException | Error e) {
      containerd.close();
      throw e;
    }
  }

  private boolean answers() throws IOException, InterruptedException {
    return Files.exists(socket) && run(List.of("version")).exitCode == 0;
  }

  Path socket() {
    return socket;
  }

  /** The containerd root directory (its content store is under it). */
  Path root() {
    return directory.resolve("root");
  }

  String log() throws IOException {
    Path log = directory.resolve("containerd.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  record Result(int exitCode, String output) {}

  /**
   * Runs {@code ctr -n k8s.io ARGS} against this containerd and returns its output; fails on error.
   */
  String ctr(String... args) throws IOException, InterruptedException {
    Result result = run(List.of(args));
    assertThat(result.exitCode())
        .as("ctr %s: %s", String.join(" ", args), result.output())
        .isZero();
    return result.output();
  }

  Result run(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(CTR.toString(), "-a", socket.toString()));
    command.add("-n");
    command.add("k8s.io");
    command.addAll(args);
    Process ctr = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = ctr.getInputStream().readAllBytes();
    if (!ctr.waitFor(120, TimeUnit.SECONDS)) {
      ctr.destroyForcibly();
      return new Result(-1, "timed out");
    }
    return new Result(ctr.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    killShims();
    unmountUnder(directory);
  }

  /** Shims outlive containerd by design; ours name our socket on their command line. */
  private void killShims() {
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(socket.toString())).orElse(false))
        .forEach(ProcessHandle::destroyForcibly);
  }

  /** Unmounts (lazily, deepest first) every mount below {@code directory}. */
  static void unmountUnder(Path directory) {
    List<String> mounts = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String mountPoint = line.split(" ")[4].replace("\\040", " ");
        if (mountPoint.startsWith(directory.toString() + "/")) {
          mounts.add(mountPoint);
        }
      }
      Collections.sort(mounts, Collections.reverseOrder());
      for (String mount : mounts) {
        new ProcessBuilder("umount", "-l", mount).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
