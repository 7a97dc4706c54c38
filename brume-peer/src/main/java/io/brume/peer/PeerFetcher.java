package io.brume.peer;

import io.brume.oci.Digest;
import io.brume.registry.StallWatchdog;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Finds a peer that holds a blob and opens it: the peers are ordered by {@link PeerRanking}, the
 * first {@code fanout} are asked at once ({@code HEAD}), and the best-ranked one that holds the
 * blob is streamed; if none of them has it the next group is asked, up to {@code maxAsked} peers,
 * and then the caller goes to the registry. Bounded this way, a pull costs a handful of requests
 * whatever the cluster's size (docs/p2p.md discusses 1,000 nodes).
 *
 * <p>It remembers, for the life of the fetcher (one pull, or one agent), which peers failed for
 * which blob (skipped for that blob), which peers sent wrong bytes (dropped for good, counted), and
 * the throughput each peer delivered (refines the ranking). Thread-safe; one per process.
 */
public final class PeerFetcher implements AutoCloseable {
  // DEBUG: every answer, wait and abandonment, for the timeline of a deployment (bench/p2p).
  private static final System.Logger LOG = System.getLogger(PeerFetcher.class.getName());

  private final Supplier<PeerDirectory> directory;
  private final PeerRanking ranking;
  private final SiteSeeder seeders;
  private final Duration seederPoll;
  private final Duration seederGrace;
  private final Duration seederPatience;
  private final PeerClient client;
  private final StallWatchdog watchdog;
  private final ExecutorService asking = Executors.newVirtualThreadPerTaskExecutor();
  private final int fanout;
  private final int maxAsked;
  private final double minBytesPerSecond;
  private final long rateWindowNanos;
  private final RandomGenerator random;
  private final LongSupplier nanoTime;
  private final Map<Digest, Set<String>> failedFor = new ConcurrentHashMap<>();
  private final Set<String> dropped = ConcurrentHashMap.newKeySet();
  private final Map<String, Double> delivered = new ConcurrentHashMap<>();
  private final AtomicLong lies = new AtomicLong();
  private final AtomicLong abandonments = new AtomicLong();

  private PeerFetcher(Builder b) {
    this.directory = b.directory;
    this.ranking = new PeerRanking(b.mode, b.priorBytesPerSecond);
    // Proximity off means no sites: the whole cluster shares one seeder per image.
    this.seeders =
        new SiteSeeder(
            b.mode == PeerRanking.Mode.NEAREST ? b.siteRadiusMillis : Double.POSITIVE_INFINITY);
    this.seederPoll = b.seederPoll;
    this.seederGrace = b.seederGrace;
    this.seederPatience = b.seederPatience;
    this.client = new PeerClient(b.token, b.askTimeout);
    this.watchdog = new StallWatchdog(b.stallTimeout);
    this.fanout = b.fanout;
    this.maxAsked = b.maxAsked;
    this.minBytesPerSecond = b.minBytesPerSecond;
    this.rateWindowNanos = b.rateWindow.toNanos();
    this.random = b.random;
    this.nanoTime = b.nanoTime;
  }

  /** A fetcher over {@code directory}'s peers, authenticating with {@code token}. */
  public static Builder builder(PeerDirectory directory, ClusterToken token) {
    Objects.requireNonNull(directory, "directory");
    return new Builder(() -> directory, token);
  }

  /**
   * A fetcher over a directory that changes (the agent's: coordinates move), read afresh for every
   * blob.
   */
  public static Builder builder(Supplier<PeerDirectory> directory, ClusterToken token) {
    return new Builder(directory, token);
  }

  /** The peers this fetcher chooses from, now. */
  public PeerDirectory directory() {
    return directory.get();
  }

  /** Nearest-first or random. */
  public PeerRanking.Mode mode() {
    return ranking.mode();
  }

  /**
   * Opens {@code digest} from {@code offset} at the best peer that holds it, or empty when no peer
   * asked has it (or every one failed): then wait for the site ({@link #awaitSeeder}) or fetch from
   * the registry.
   *
   * <p>With proximity on, peers of this node's site (estimated within the site radius) come first,
   * and while one of them is busy with the blob (downloading it, serving its maximum of uploads, or
   * slow to answer under load) no farther peer is asked: the blob will be on this site's LAN soon,
   * and fetching it across sites would only load the thin links between them.
   *
   * @param size the blob's size (the ranking weighs the bytes still wanted)
   */
  public Optional<PeerStream> open(String repository, Digest digest, long size, long offset)
      throws InterruptedException {
    return attempt(repository, digest, size, offset).stream();
  }

  /** What one round of asking found: a stream, and whether a peer of the site is busy with it. */
  private record Attempt(Optional<PeerStream> stream, boolean siteBusy) {}

  private Attempt attempt(String repository, Digest digest, long size, long offset)
      throws InterruptedException {
    PeerDirectory directory = this.directory.get();
    Set<String> skip = new HashSet<>(dropped);
    skip.addAll(failedFor.getOrDefault(digest, Set.of()));
    List<PeerNode> candidates =
        directory.peers().stream().filter(p -> !skip.contains(p.name())).toList();
    List<PeerNode> ranked;
    synchronized (random) {
      ranked =
          ranking.rank(
              directory.selfCoordinate(), candidates, Map.copyOf(delivered), size - offset, random);
    }
    // The peers of this site before any farther one, each part in the ranking's order: what a
    // near peer delivered while it served several nodes at once must not rank it below a far peer
    // that was never measured (the prior is a LAN's rate; across sites the link is thinner).
    List<PeerNode> siteFirst = new ArrayList<>();
    List<PeerNode> farther = new ArrayList<>();
    for (PeerNode peer : ranked) {
      (seeders.sameSite(directory.selfCoordinate(), peer.coordinate()) ? siteFirst : farther)
          .add(peer);
    }
    siteFirst.addAll(farther);
    ranked = siteFirst.subList(0, Math.min(maxAsked, siteFirst.size()));
    boolean siteBusy = false;
    for (int from = 0; from < ranked.size(); from += fanout) {
      List<PeerNode> group = ranked.subList(from, Math.min(from + fanout, ranked.size()));
      if (siteBusy && !seeders.sameSite(directory.selfCoordinate(), group.get(0).coordinate())) {
        break; // a peer of this site will have it soon: do not fetch it across sites
      }
      List<Future<PeerClient.Answer>> answers = new ArrayList<>();
      for (PeerNode peer : group) {
        answers.add(asking.submit(() -> client.ask(peer, repository, digest)));
      }
      try {
        for (int i = 0; i < group.size(); i++) {
          PeerNode peer = group.get(i);
          PeerClient.Answer answer = answer(answers.get(i));
          LOG.log(System.Logger.Level.DEBUG, "asked {0} for {1}: {2}", peer.name(), digest, answer);
          boolean near = seeders.sameSite(directory.selfCoordinate(), peer.coordinate());
          switch (answer) {
            case HAS -> {
              if (siteBusy && !near) {
                continue; // a nearer peer of this site will have it soon
              }
              try {
                InputStream body = client.open(peer, repository, digest, offset);
                return new Attempt(
                    Optional.of(
                        new PeerStream(
                            this,
                            peer,
                            digest,
                            offset,
                            watchdog.guard(body, "blob " + digest + " from peer " + peer.name()),
                            minBytesPerSecond,
                            rateWindowNanos,
                            nanoTime)),
                    siteBusy);
              } catch (PeerUnavailableException e) {
                if (e.busy()) {
                  // Full or slow now, not gone: asked again on the next round.
                  LOG.log(System.Logger.Level.DEBUG, "{0} busy: {1}", peer.name(), e.getMessage());
                  siteBusy |= near;
                } else {
                  abandoned(peer, digest, e);
                }
              } catch (IOException e) {
                abandoned(peer, digest, e);
              }
            }
            case FETCHING, FULL, SLOW -> siteBusy |= near;
            case UNREACHABLE, REFUSED ->
                failedFor
                    .computeIfAbsent(digest, d -> ConcurrentHashMap.newKeySet())
                    .add(peer.name());
            case ABSENT, BUSY -> {}
          }
        }
      } finally {
        answers.forEach(f -> f.cancel(true));
      }
    }
    return new Attempt(Optional.empty(), siteBusy);
  }

  /**
   * No peer holds the blob yet: if another node of this site is the {@link SiteSeeder} of {@code
   * image}, or a peer of this site is downloading the blob, wait for it (or for any near peer that
   * already got it from it) rather than fetch the blob across the uplink again. Waits only while
   * the site is busy: when the seeder is idle (it is not deploying this image), gone or refuses,
   * and no peer of the site is fetching the blob, for the grace period, or past the patience bound,
   * the wait ends and the caller goes to the registry. A seeder that is merely slow to answer
   * (loaded) counts as busy.
   *
   * @return an open stream from a peer, or empty: fetch from the registry (this node may be the
   *     seeder)
   */
  public Optional<PeerStream> awaitSeeder(
      Digest image, String repository, Digest digest, long size, long offset)
      throws InterruptedException {
    PeerDirectory directory = this.directory.get();
    Set<String> skip = new HashSet<>(dropped);
    skip.addAll(failedFor.getOrDefault(digest, Set.of()));
    List<PeerNode> members =
        directory.peers().stream().filter(p -> !dropped.contains(p.name())).toList();
    String seederName =
        seeders.seeder(directory.self(), directory.selfCoordinate(), members, image);
    Optional<PeerNode> seeder =
        members.stream()
            .filter(p -> p.name().equals(seederName) && !skip.contains(seederName))
            .findFirst();
    if (seeder.isEmpty()) {
      return Optional.empty(); // this node seeds the image (or its seeder failed for this blob)
    }
    long start = nanoTime.getAsLong();
    long lastBusy = start;
    boolean seederGone = false;
    LOG.log(System.Logger.Level.DEBUG, "waiting for seeder {0} of {1}", seederName, digest);
    while (nanoTime.getAsLong() - start < seederPatience.toNanos()) {
      PeerClient.Answer answer =
          seederGone ? PeerClient.Answer.UNREACHABLE : client.ask(seeder.get(), repository, digest);
      switch (answer) {
        case HAS, FETCHING, BUSY, FULL, SLOW -> lastBusy = nanoTime.getAsLong();
        case UNREACHABLE, REFUSED -> seederGone = true;
        case ABSENT -> {}
      }
      if (answer != PeerClient.Answer.FETCHING && answer != PeerClient.Answer.BUSY
          || nanoTime.getAsLong() - start > seederGrace.toNanos()) {
        // The seeder (or a near peer served by it) may have the blob now.
        Attempt attempt = attempt(repository, digest, size, offset);
        if (attempt.stream().isPresent()) {
          return endWait(seederName, digest, start, "streaming", attempt.stream());
        }
        if (attempt.siteBusy()) {
          lastBusy = nanoTime.getAsLong();
        }
      }
      if (nanoTime.getAsLong() - lastBusy > seederGrace.toNanos()) {
        return endWait(
            seederName, digest, start, seederGone ? "seeder gone" : "idle", Optional.empty());
      }
      Thread.sleep(seederPoll);
    }
    return endWait(seederName, digest, start, "out of patience", Optional.empty());
  }

  private Optional<PeerStream> endWait(
      String seeder, Digest digest, long start, String how, Optional<PeerStream> result) {
    LOG.log(
        System.Logger.Level.DEBUG,
        "waited {0} ms for seeder {1} of {2}: {3}{4}",
        String.valueOf((nanoTime.getAsLong() - start) / 1_000_000),
        seeder,
        digest,
        how,
        result.map(s -> " from " + s.peer()).orElse(""));
    return result;
  }

  private static PeerClient.Answer answer(Future<PeerClient.Answer> future)
      throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      return PeerClient.Answer.UNREACHABLE;
    }
  }

  /** {@code peer} failed for {@code digest}: skip it for that blob from now on. */
  void abandoned(PeerNode peer, Digest digest, IOException why) {
    LOG.log(System.Logger.Level.DEBUG, "abandoned {0} for {1}: {2}", peer.name(), digest, why);
    abandonments.incrementAndGet();
    failedFor.computeIfAbsent(digest, d -> ConcurrentHashMap.newKeySet()).add(peer.name());
  }

  /** Records {@code bytes} in {@code nanos} from {@code peer}; small samples say little. */
  void delivered(PeerNode peer, long bytes, long nanos) {
    if (bytes < 256 * 1024 || nanos <= 0) {
      return;
    }
    double rate = bytes * 1e9 / nanos;
    delivered.merge(peer.name(), rate, (old, now) -> 0.5 * old + 0.5 * now);
  }

  /**
   * The blob assembled from these peers' bytes failed verification: they are dropped for good
   * (every peer that contributed, since the bad part cannot be located) and the lie is counted.
   */
  public void rejectContent(Digest digest, Collection<String> peers) {
    if (!peers.isEmpty()) {
      lies.incrementAndGet();
      dropped.addAll(peers);
    }
  }

  /** Peers dropped for sending wrong bytes. */
  public Set<String> dropped() {
    return Set.copyOf(dropped);
  }

  /** Blobs whose peer-sent bytes failed verification. */
  public long rejectedBlobs() {
    return lies.get();
  }

  /** Times a peer was given up on for a blob (gone, full, slow, refused). */
  public long abandonments() {
    return abandonments.get();
  }

  /** Throughput each peer delivered, bytes per second (a moving average). */
  public Map<String, Double> deliveredThroughput() {
    return Map.copyOf(new HashMap<>(delivered));
  }

  @Override
  public void close() {
    asking.shutdownNow();
    client.close();
    watchdog.close();
  }

  /** Options of a {@link PeerFetcher}; the defaults suit a LAN of small nodes. */
  public static final class Builder {
    private final Supplier<PeerDirectory> directory;
    private final ClusterToken token;
    private PeerRanking.Mode mode = PeerRanking.Mode.NEAREST;
    private int fanout = 3;
    private int maxAsked = 6;
    private Duration askTimeout = Duration.ofSeconds(1);
    private Duration stallTimeout = Duration.ofSeconds(3);
    private double minBytesPerSecond = 256 * 1024;
    private Duration rateWindow = Duration.ofSeconds(2);
    private double priorBytesPerSecond = 12.5e6;
    private RandomGenerator random = new SplittableRandom();
    private LongSupplier nanoTime = System::nanoTime;
    private double siteRadiusMillis = 10;
    private Duration seederPoll = Duration.ofMillis(200);
    private Duration seederGrace = Duration.ofSeconds(3);
    private Duration seederPatience = Duration.ofMinutes(10);

    private Builder(Supplier<PeerDirectory> directory, ClusterToken token) {
      this.directory = Objects.requireNonNull(directory, "directory");
      this.token = Objects.requireNonNull(token, "token");
    }

    /** Nearest-first (default) or random (the proximity-blind baseline). */
    public Builder mode(PeerRanking.Mode value) {
      this.mode = Objects.requireNonNull(value);
      return this;
    }

    /** Peers asked at once (default 3). */
    public Builder fanout(int value) {
      this.fanout = positive(value, "fanout");
      return this;
    }

    /** Peers asked per blob at most before the registry (default 6). */
    public Builder maxAsked(int value) {
      this.maxAsked = positive(value, "max asked");
      return this;
    }

    /** Bound on a peer's answer to "do you have it?" and on connecting (default 1 s). */
    public Builder askTimeout(Duration value) {
      this.askTimeout = Objects.requireNonNull(value);
      return this;
    }

    /** A peer silent this long mid-blob is abandoned (default 3 s). */
    public Builder stallTimeout(Duration value) {
      this.stallTimeout = Objects.requireNonNull(value);
      return this;
    }

    /** A peer delivering less than this over {@code window} is abandoned (default 256 KiB/s). */
    public Builder minRate(double bytesPerSecond, Duration window) {
      if (!(bytesPerSecond >= 0) || window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("the rate floor needs a rate ≥ 0 and a positive window");
      }
      this.minBytesPerSecond = bytesPerSecond;
      this.rateWindow = window;
      return this;
    }

    /** Throughput assumed of a peer not measured yet (default 12.5 MB/s = 100 Mbit/s). */
    public Builder priorBytesPerSecond(double value) {
      this.priorBytesPerSecond = value;
      return this;
    }

    /** The random source of {@link PeerRanking.Mode#RANDOM}. */
    public Builder random(RandomGenerator value) {
      this.random = Objects.requireNonNull(value);
      return this;
    }

    /** The monotonic clock of the rate floor and the throughput measurements. */
    public Builder nanoTime(LongSupplier value) {
      this.nanoTime = Objects.requireNonNull(value);
      return this;
    }

    /** Peers estimated within this RTT count as this node's site (default 10 ms). */
    public Builder siteRadiusMillis(double value) {
      this.siteRadiusMillis = value;
      return this;
    }

    /**
     * How a node waits for its site's seeder: poll interval (default 200 ms), how long an idle
     * seeder is given to start (default 3 s), and the bound on the whole wait (default 10 min).
     */
    public Builder seederWait(Duration poll, Duration grace, Duration patience) {
      this.seederPoll = Objects.requireNonNull(poll);
      this.seederGrace = Objects.requireNonNull(grace);
      this.seederPatience = Objects.requireNonNull(patience);
      return this;
    }

    public PeerFetcher build() {
      return new PeerFetcher(this);
    }

    private static int positive(int value, String what) {
      if (value < 1) {
        throw new IllegalArgumentException(what + " must be at least 1, got " + value);
      }
      return value;
    }
  }
}
