package io.brume.snapshotter;

import io.brume.oci.Platform;
import io.brume.pull.PullStrategy;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code brume snapshotter --socket S --root R --hosts-dir H} in a JVM of its own, so that a test
 * can kill it with SIGKILL (brume-cli, where the command lives, depends on this module).
 */
public final class SnapshotterProcess {
  private SnapshotterProcess() {}

  public static void main(String[] args) throws Exception {
    SnapshotterDaemon.Settings settings =
        new SnapshotterDaemon.Settings(
            Path.of(args[0]),
            Path.of(args[1]),
            Optional.of(Path.of(args[2])),
            PullStrategy.AUTO,
            Platform.host());
    try (SnapshotterDaemon daemon = SnapshotterDaemon.start(settings)) {
      System.out.println("serving " + args[0]);
      System.out.flush();
      daemon.awaitTermination();
    }
  }
}
