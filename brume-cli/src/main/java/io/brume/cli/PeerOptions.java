package io.brume.cli;

import io.brume.peer.ClusterToken;
import io.brume.peer.PeerDirectory;
import io.brume.peer.PeerFetcher;
import io.brume.peer.PeerRanking;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The peer options shared by {@code brume pull} and {@code brume snapshotter}: where the peers are
 * listed, the cluster token, and how to choose among them.
 */
final class PeerOptions {
  /** How often a long-running process re-reads the agent's peer directory (coordinates move). */
  static final Duration DIRECTORY_REFRESH = Duration.ofSeconds(30);

  @Option(
      names = "--peers",
      paramLabel = "FILE",
      description =
          "Fetch layers from these peers first (JSON: self, peers with url and coordinate).")
  @Nullable Path peersFile;

  @Option(
      names = "--peers-from",
      paramLabel = "URL",
      description = "Ask the local agent's peer server for the peers, e.g. http://127.0.0.1:7948.")
  @Nullable URI peersFrom;

  @Option(
      names = "--peer-token-file",
      paramLabel = "FILE",
      description = "The cluster token (required with --peers or --peers-from).")
  @Nullable Path peerTokenFile;

  @Option(
      names = "--peer-choice",
      paramLabel = "CHOICE",
      description = "nearest (default) or random (ignores proximity; a baseline).")
  String peerChoice = "nearest";

  /**
   * The fetcher the options describe, or empty without {@code --peers}/{@code --peers-from}; the
   * caller closes it. The directory is read once (a single pull).
   */
  Optional<PeerFetcher> fetcher(CommandSpec spec) throws IOException, InterruptedException {
    return fetcher(spec, false);
  }

  /**
   * As {@link #fetcher(CommandSpec)}, for a long-running process: with {@code --peers-from} the
   * directory is read at start (a wrong URL or token fails at once) and then re-read at most every
   * {@link #DIRECTORY_REFRESH}, keeping the last good one when the agent does not answer.
   */
  Optional<PeerFetcher> refreshingFetcher(CommandSpec spec)
      throws IOException, InterruptedException {
    return fetcher(spec, true);
  }

  private Optional<PeerFetcher> fetcher(CommandSpec spec, boolean refreshing)
      throws IOException, InterruptedException {
    if (peersFile == null && peersFrom == null) {
      return Optional.empty();
    }
    if (peersFile != null && peersFrom != null) {
      throw new ParameterException(
          spec.commandLine(), "give either --peers FILE or --peers-from URL, not both");
    }
    if (peerTokenFile == null) {
      throw new ParameterException(
          spec.commandLine(), "--peer-token-file FILE is required with --peers/--peers-from");
    }
    PeerRanking.Mode mode =
        switch (peerChoice) {
          case "nearest" -> PeerRanking.Mode.NEAREST;
          case "random" -> PeerRanking.Mode.RANDOM;
          default ->
              throw new ParameterException(
                  spec.commandLine(),
                  "--peer-choice must be nearest or random, got '" + peerChoice + "'");
        };
    ClusterToken token = ClusterToken.read(peerTokenFile);
    if (peersFile != null) {
      return Optional.of(
          PeerFetcher.builder(PeerDirectory.load(peersFile), token).mode(mode).build());
    }
    URI from = Objects.requireNonNull(peersFrom, "--peers-from (one of the two is set)");
    PeerDirectory first = PeerDirectory.fetch(from, token);
    if (!refreshing) {
      return Optional.of(PeerFetcher.builder(first, token).mode(mode).build());
    }
    return Optional.of(
        PeerFetcher.builder(new RefreshingDirectory(from, token, first), token).mode(mode).build());
  }

  /** The agent's directory, re-read when older than {@link #DIRECTORY_REFRESH}. */
  private static final class RefreshingDirectory implements Supplier<PeerDirectory> {
    private static final System.Logger LOG = System.getLogger(PeerOptions.class.getName());

    private final URI server;
    private final ClusterToken token;
    private PeerDirectory current;
    private long readAt = System.nanoTime();

    RefreshingDirectory(URI server, ClusterToken token, PeerDirectory first) {
      this.server = server;
      this.token = token;
      this.current = first;
    }

    @Override
    public synchronized PeerDirectory get() {
      if (System.nanoTime() - readAt < DIRECTORY_REFRESH.toNanos()) {
        return current;
      }
      readAt = System.nanoTime(); // a dead agent is asked again only after another period
      try {
        current = PeerDirectory.fetch(server, token);
      } catch (IOException | UncheckedIOException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "keeping the last peer directory, {0} did not answer: {1}",
            server,
            e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return current;
    }
  }
}
