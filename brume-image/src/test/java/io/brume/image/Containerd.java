package io.brume.image;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A containerd daemon of the test's own: private root, state, sockets and plugin directory under
 * one temporary directory, the CRI plugin off. Closing stops it and removes what it left (mounts,
 * files).
 */
final class Containerd implements AutoCloseable {
  private static final String NAMESPACE = "brume-image-test";
  private final Path directory;
  private final Path socket;
  private final Process process;

  private Containerd(Path directory, Path socket, Process process) {
    this.directory = directory;
    this.socket = socket;
    this.process = process;
  }

  /** Starts containerd in {@code directory} and waits until it answers. */
  static Containerd start(Path logDirectory) throws IOException {
    // Unix socket paths are limited to 108 bytes: keep the daemon's directory short.
    Path directory = Files.createTempDirectory(Path.of("/tmp"), "brume-ctd-");
    Path socket = directory.resolve("ctd.sock");
    Path config = directory.resolve("config.toml");
    Files.writeString(
        config,
        """
        version = 2
        root = "%1$s/root"
        state = "%1$s/state"
        disabled_plugins = ["io.containerd.grpc.v1.cri"]
        [grpc]
          address = "%2$s"
        [ttrpc]
          address = "%2$s.ttrpc"
        [plugins."io.containerd.internal.v1.opt"]
          path = "%1$s/opt"
        """
            .formatted(directory, socket));
    Process process =
        new ProcessBuilder("containerd", "--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(logDirectory.resolve("containerd.log").toFile())
            .start();
    Containerd containerd = new Containerd(directory, socket, process);
    try {
      await("containerd answering on " + socket)
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException(
                      "containerd exited: see " + logDirectory.resolve("containerd.log"));
                }
                return Tools.run(ctrCommand(socket, "version"), Duration.ofSeconds(20)).exitCode()
                    == 0;
              });
    } catch (RuntimeException e) {
      containerd.close();
      throw e;
    }
    return containerd;
  }

  private static List<String> ctrCommand(Path socket, String... args) {
    List<String> command =
        new ArrayList<>(List.of("ctr", "--address", socket.toString(), "--namespace", NAMESPACE));
    command.addAll(List.of(args));
    return command;
  }

  /** Runs {@code ctr} against this daemon; fails the test on a non-zero exit. */
  String ctr(String... args) {
    List<String> command = ctrCommand(socket, args);
    return Tools.run(command, Duration.ofMinutes(3)).requireSuccess(command).output();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Snapshots and container rootfs mounts the daemon left behind, deepest first.
    try {
      List<String> mounts = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String mountPoint = line.split(" ")[4];
        if (mountPoint.startsWith(directory.toString())) {
          mounts.add(mountPoint);
        }
      }
      mounts.sort(Comparator.reverseOrder());
      for (String mountPoint : mounts) {
        Tools.run(List.of("umount", "-l", mountPoint), Duration.ofSeconds(30));
      }
    } catch (IOException e) {
      // nothing mounted
    }
    Tools.run(List.of("rm", "-rf", directory.toString()), Duration.ofMinutes(2));
  }
}
