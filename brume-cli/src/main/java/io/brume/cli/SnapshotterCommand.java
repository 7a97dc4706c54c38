package io.brume.cli;

import io.brume.oci.Platform;
import io.brume.peer.PeerFetcher;
import io.brume.pull.PullStrategy;
import io.brume.snapshotter.SnapshotterDaemon;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brume snapshotter}: containerd's remote snapshotter, so kubelet's pulls go through brume.
 */
@Command(
    name = "snapshotter",
    mixinStandardHelpOptions = true,
    description = {
      "Serve containerd's snapshotter API on a Unix socket (a proxy plugin). Layers that containerd's"
          + " CRI plugin prepares with their image labels are pulled by brume's engine and"
          + " committed, so containerd never downloads them; other snapshots are ordinary overlay"
          + " snapshots. When brume cannot pull an image, containerd pulls it itself.",
      "containerd config: [proxy_plugins.brume] type = \"snapshot\", address = SOCKET; CRI"
          + " snapshotter = \"brume\" and disable_snapshot_annotations = false (docs/containerd.md).",
      "With --peers FILE or --peers-from URL (and --peer-token-file), layers come from the nearest"
          + " peer that holds them before the registry; --peers-from is re-read every 30 s.",
      "Runs until interrupted (SIGINT/SIGTERM)."
    })
final class SnapshotterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--socket",
      required = true,
      paramLabel = "PATH",
      description = "Unix socket to serve on (containerd's proxy_plugins address).")
  Path socket;

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description = "Snapshots and their metadata (default: ${DEFAULT-VALUE}).")
  Path root = Path.of("/var/lib/containerd/io.containerd.snapshotter.v1.brume");

  @Option(
      names = "--hosts-dir",
      paramLabel = "DIR",
      description =
          "containerd's registry hosts directory (config_path, <DIR>/<registry>/hosts.toml):"
              + " mirrors, plain http, skip_verify, ca. Default: HTTPS to each registry.")
  @Nullable Path hostsDir;

  @Option(
      names = "--strategy",
      paramLabel = "STRATEGY",
      description =
          "Pull strategy: docker, sequential, pipelined or auto (default: ${DEFAULT-VALUE}).")
  String strategy = "auto";

  @Mixin PeerOptions peerOptions;

  @Override
  @SuppressWarnings("try") // closePeers only closes the optional peer fetcher
  public Integer call() throws Exception {
    PullStrategy chosen = PullStrategy.parse(strategy);
    PrintWriter out = spec.commandLine().getOut();
    Optional<PeerFetcher> peers = peerOptions.refreshingFetcher(spec);
    SnapshotterDaemon.Settings settings =
        new SnapshotterDaemon.Settings(
            socket, root, Optional.ofNullable(hostsDir), chosen, Platform.host(), peers);
    try (AutoCloseable closePeers = () -> peers.ifPresent(PeerFetcher::close);
        SnapshotterDaemon daemon = SnapshotterDaemon.start(settings)) {
      out.printf(
          "brume snapshotter serving %s (root %s, strategy %s, %s)%n",
          socket,
          daemon.root(),
          chosen,
          peers.map(p -> p.directory().peers().size() + " peers, " + p.mode()).orElse("no peers"));
      out.flush();
      Thread main = Thread.currentThread();
      Runtime.getRuntime().addShutdownHook(new Thread(main::interrupt, "brume-snapshotter-stop"));
      try {
        daemon.awaitTermination();
      } catch (InterruptedException e) {
        // SIGTERM/SIGINT: closing the daemon stops the server and closes the metadata database.
      }
    }
    return 0;
  }
}
