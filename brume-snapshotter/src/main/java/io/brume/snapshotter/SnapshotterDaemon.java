package io.brume.snapshotter;

import io.brume.oci.Platform;
import io.brume.peer.PeerFetcher;
import io.brume.pull.PullStrategy;
import io.brume.registry.DockerConfigCredentials;
import io.brume.registry.HostsDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code brume snapshotter} as a library: opens the snapshotter at its root (cleaning what a crash
 * left), enables the remote-snapshot path with brume's pull engine, and serves the socket.
 */
public final class SnapshotterDaemon implements AutoCloseable {
  /**
   * The daemon's settings, as the CLI's flags give them. With {@code peers}, CRI pulls fetch layers
   * from the nearest peer first; the caller owns and closes the fetcher.
   */
  public record Settings(
      Path socket,
      Path root,
      Optional<Path> hostsDir,
      PullStrategy strategy,
      Platform platform,
      Optional<PeerFetcher> peers) {
    /** Without peers: every layer comes from the registry. */
    public Settings(
        Path socket, Path root, Optional<Path> hostsDir, PullStrategy strategy, Platform platform) {
      this(socket, root, hostsDir, strategy, platform, Optional.empty());
    }
  }

  /**
   * How long after a pull, with no other pull, the heap it grew is given back (kubelet pulls a
   * pod's images in a row).
   */
  private static final Duration IDLE_AFTER_PULL = Duration.ofSeconds(2);

  private final Snapshotter snapshotter;
  private final SnapshotterServer server;

  private SnapshotterDaemon(Snapshotter snapshotter, SnapshotterServer server) {
    this.snapshotter = snapshotter;
    this.server = server;
  }

  /** Starts serving; the caller closes the daemon (or waits with {@link #awaitTermination}). */
  public static SnapshotterDaemon start(Settings settings) throws IOException {
    Snapshotter snapshotter = Snapshotter.open(settings.root(), Clock.systemUTC());
    try {
      RemoteLayers remote =
          new RemoteLayers(
              snapshotter.root().resolve("store"),
              RemoteLayers.registryClients(
                  settings.hostsDir().map(HostsDirectory::at).orElse(null),
                  DockerConfigCredentials.fromEnvironment()),
              settings.strategy(),
              settings.platform(),
              settings.peers());
      remote.cleanup();
      IdleMemory memory = IdleMemory.afterPulls(IDLE_AFTER_PULL, remote::pulling);
      remote.afterEachPull(memory::pullEnded);
      snapshotter.enableRemote(remote);
      return new SnapshotterDaemon(
          snapshotter, SnapshotterServer.start(snapshotter, settings.socket()));
    } catch (IOException | RuntimeException e) {
      snapshotter.close();
      throw e;
    }
  }

  /** The snapshotter's root directory (real path). */
  public Path root() {
    return snapshotter.root();
  }

  /** Blocks until the server stops or the thread is interrupted. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() throws IOException {
    try {
      server.close();
    } finally {
      snapshotter.close();
    }
  }
}
