package io.brume.coordinate;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Checks each probe sample's claimed coordinate against the RTT this node measured itself, before
 * it reaches {@link VivaldiClient#update}, and distrusts peers whose claims keep contradicting
 * their measurements. A simple, local, deterministic cousin of Veracity (Sherr, Blaze, Loo, 2009: a
 * claimed coordinate is checked by the error it produces against measured RTTs) and RVivaldi
 * (Kaafar et al., 2007: samples whose error is an outlier for the neighbourhood are dropped).
 *
 * <p>The test. A lying peer cannot make its pong arrive sooner than the network allows (this node
 * times the RTT with its own clock, and sequence numbers and MACs stop forged pongs), but it can
 * claim any coordinate. A claim that puts the peer much <em>farther</em> away than the measured
 * RTT, {@code estimate − rtt > max(T · rtt, S)}, is physically inconsistent: the sample is
 * discarded (a "contradiction"). The tolerances adapt to how well this node is embedded now: {@code
 * T = max(minThreshold, medianFactor · m)} and {@code S = medianFactor · a}, where m and a are the
 * medians of the latest relative errors {@code |estimate − rtt| / rtt} and absolute errors (ms) of
 * the other trusted peers. A node that is still converging (at the origin, or after the network
 * changed) sees large errors from every peer, so the tolerances are large and it keeps learning; a
 * converged node's m is ~0.05, so T = minThreshold, and S keeps short links (where heights make
 * honest relative errors large) from being discarded.
 *
 * <p>Why only "too far": a claim that puts the peer too close is indistinguishable from queueing
 * delay, and the relative error of such a sample is at most 1, so Vivaldi's force from it is at
 * most c_c · rtt. With the contradiction test, the force of any accepted sample is bounded by c_c ·
 * max(T · rtt, S) too: per-sample influence is bounded by the peer's measured RTT and by how well
 * the honest peers fit.
 *
 * <p>Distrust. Each peer's last {@code window} verdicts are kept; {@code strikes} contradictions
 * among them make the peer distrusted for {@code quarantine}, doubled at every repeat offence up to
 * {@code maxQuarantine}. All samples of a distrusted peer are dropped, and the caller should forget
 * what Vivaldi remembers of it ({@link GuardedVivaldi} does), so its past claims stop acting at
 * once.
 *
 * <p>Pure and deterministic (injected clock), not thread-safe: callers synchronise ({@link
 * GuardedVivaldi} does).
 */
public final class SampleGuard {

  /**
   * Tuning.
   *
   * @param minThreshold T's floor: a converged node discards claims farther than (1 + T) × the RTT
   * @param medianFactor T is at least this times the median relative error of the other peers
   * @param minReferencePeers below this many other peers with a fresh error, every claim within
   *     {@link CoordinateBounds} is accepted (cold start: nothing to compare against yet)
   * @param window verdicts remembered per peer (at most 32)
   * @param strikes contradictions within the window that make a peer distrusted
   * @param quarantine how long a first offence is distrusted
   * @param maxQuarantine the longest distrust (the time doubles per repeat offence)
   * @param errorMaxAge a peer's last relative error counts towards the median for this long
   * @param maxPeers peers tracked (least recently seen forgotten first)
   */
  public record Settings(
      double minThreshold,
      double medianFactor,
      int minReferencePeers,
      int window,
      int strikes,
      Duration quarantine,
      Duration maxQuarantine,
      Duration errorMaxAge,
      int maxPeers) {

    /** Validates; messages name the field. */
    public Settings {
      Objects.requireNonNull(quarantine, "quarantine");
      Objects.requireNonNull(maxQuarantine, "maxQuarantine");
      Objects.requireNonNull(errorMaxAge, "errorMaxAge");
      if (!(minThreshold > 0) || Double.isInfinite(minThreshold)) {
        throw new IllegalArgumentException("minThreshold must be > 0, got " + minThreshold);
      }
      if (!(medianFactor >= 0) || Double.isInfinite(medianFactor)) {
        throw new IllegalArgumentException("medianFactor must be >= 0, got " + medianFactor);
      }
      if (minReferencePeers < 1) {
        throw new IllegalArgumentException("minReferencePeers must be >= 1");
      }
      if (window < 1 || window > 32 || strikes < 1 || strikes > window) {
        throw new IllegalArgumentException(
            "need 1 <= strikes <= window <= 32, got " + strikes + ", " + window);
      }
      if (quarantine.isNegative() || maxQuarantine.compareTo(quarantine) < 0) {
        throw new IllegalArgumentException("need 0 <= quarantine <= maxQuarantine");
      }
      if (maxPeers < 1) {
        throw new IllegalArgumentException("maxPeers must be >= 1");
      }
    }

    /**
     * brume's defaults: T ≥ 0.5 (a converged node discards a claim more than 1.5 × as far as the
     * RTT; T ≥ 1 let liars do twice the damage, at no gain in honest accuracy), 8 × the median
     * errors (4 × discarded honest samples while the cluster converged and cost AWS32 0.049 →
     * 0.060; with 8 the honest accuracy is unchanged or better, docs/bench/vivaldi.md), one
     * reference peer (so that a node with two peers can catch one liar), 3 contradictions in the
     * last 8 samples distrust a peer for 1 minute, doubling up to 30 minutes, errors older than 10
     * minutes ignored, 1024 peers.
     */
    public static Settings defaults() {
      return new Settings(
          0.5,
          8.0,
          1,
          8,
          3,
          Duration.ofMinutes(1),
          Duration.ofMinutes(30),
          Duration.ofMinutes(10),
          1024);
    }
  }

  /** What became of a sample. */
  public enum Verdict {
    /** Consistent with the measured RTT: apply it. */
    ACCEPTED,
    /** The claim puts the peer much farther away than the measured RTT: discarded. */
    CONTRADICTED,
    /** This contradiction made the peer distrusted: discarded, forget the peer's state. */
    NOW_DISTRUSTED,
    /** The peer is distrusted: discarded without looking. */
    DISTRUSTED
  }

  private static final class Peer {
    double lastError = Double.NaN;
    double lastExcess = Double.NaN;
    long lastErrorNanos;
    double lastRtt = Double.NaN;
    int history; // bit i = the i-th most recent verdict was a contradiction
    long distrustedUntil = Long.MIN_VALUE;
    int offences;
  }

  private final Settings settings;
  private final InstantSource clock;
  private final LinkedHashMap<String, Peer> peers;
  private long distrustEvents;

  /** A guard with {@code settings}, reading time from {@code clock}. */
  public SampleGuard(Settings settings, InstantSource clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    int max = settings.maxPeers();
    this.peers =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Peer> eldest) {
            return size() > max;
          }
        };
  }

  /** The settings. */
  public Settings settings() {
    return settings;
  }

  /**
   * Judges one sample: {@code peer} claimed {@code claimed} and its pong came back after {@code
   * rttMillis}, while this node is at {@code local}. The caller has checked the values with {@link
   * CoordinateBounds} and the RTT's range.
   */
  public Verdict judge(String peer, Coordinate local, Coordinate claimed, double rttMillis) {
    long now = nanos();
    Peer p = peers.computeIfAbsent(peer, k -> new Peer());
    if (now < p.distrustedUntil) {
      return Verdict.DISTRUSTED;
    }
    double estimate = local.estimateRttMillis(claimed);
    boolean contradiction = estimate - rttMillis > tolerance(peer, now, rttMillis);
    if (contradiction && isCollapsed(local, claimed)) {
      // The two adjustments cancel the whole raw distance, so the estimate fell back to the raw
      // distance: the claim itself says "nearer than the model can express", which a short RTT
      // does not contradict, while applying it would pull by the raw distance. Discarded, but not a
      // strike (the verdict history is left as it was): honest near pairs of a cluster with large
      // negative adjustments land here (AWS32),
      // and a liar gains nothing since the sample is dropped. Its error is not a reference either.
      p.lastRtt = rttMillis;
      return Verdict.CONTRADICTED;
    }
    p.lastError = Math.abs(estimate - rttMillis) / rttMillis;
    p.lastExcess = Math.abs(estimate - rttMillis);
    p.lastErrorNanos = now;
    p.lastRtt = rttMillis;
    return record(p, contradiction, now);
  }

  /**
   * Whether the adjustments of {@code local} and {@code claimed} make the adjusted estimate ≤ 0, so
   * that {@link Coordinate#estimateRttMillis} falls back to the raw distance (as Serf).
   */
  private static boolean isCollapsed(Coordinate local, Coordinate claimed) {
    return local.rawDistanceMillis(claimed) + local.adjustment() + claimed.adjustment() <= 0.0;
  }

  /**
   * Records that {@code peer} sent a sample with impossible values ({@link CoordinateBounds}): it
   * counts as a contradiction towards distrust.
   */
  public Verdict impossible(String peer) {
    long now = nanos();
    Peer p = peers.computeIfAbsent(peer, k -> new Peer());
    if (now < p.distrustedUntil) {
      return Verdict.DISTRUSTED;
    }
    return record(p, true, now);
  }

  private Verdict record(Peer p, boolean contradiction, long now) {
    p.history = (p.history << 1) | (contradiction ? 1 : 0);
    if (!contradiction) {
      return Verdict.ACCEPTED;
    }
    int mask = settings.window() == 32 ? -1 : (1 << settings.window()) - 1;
    if (Integer.bitCount(p.history & mask) < settings.strikes()) {
      return Verdict.CONTRADICTED;
    }
    long quarantine = settings.quarantine().toNanos();
    for (int i = 0; i < p.offences && quarantine < settings.maxQuarantine().toNanos(); i++) {
      quarantine *= 2;
    }
    quarantine = Math.min(quarantine, settings.maxQuarantine().toNanos());
    p.offences++;
    p.distrustedUntil = now + quarantine;
    p.history = 0;
    p.lastError = Double.NaN;
    distrustEvents++;
    return Verdict.NOW_DISTRUSTED;
  }

  /**
   * Whether a coordinate {@code peer} claims outside a timed probe (e.g. in its ping) may be shown
   * as that peer's: the peer is not distrusted and, if this node has measured its RTT, the claim
   * does not contradict the last measurement (same test as {@link #judge}). Changes no state.
   */
  public boolean plausible(String peer, Coordinate local, Coordinate claimed) {
    long now = nanos();
    Peer p = peers.get(peer);
    if (p == null) {
      return true;
    }
    if (now < p.distrustedUntil) {
      return false;
    }
    if (Double.isNaN(p.lastRtt)) {
      return true;
    }
    return local.estimateRttMillis(claimed) - p.lastRtt <= tolerance(peer, now, p.lastRtt);
  }

  /** Whether {@code peer} is distrusted now. */
  public boolean isDistrusted(String peer) {
    Peer p = peers.get(peer);
    return p != null && nanos() < p.distrustedUntil;
  }

  /** Peers distrusted now. */
  public int distrustedPeers() {
    long now = nanos();
    int n = 0;
    for (Peer p : peers.values()) {
      if (now < p.distrustedUntil) {
        n++;
      }
    }
    return n;
  }

  /** How many times a peer became distrusted. */
  public long distrustEvents() {
    return distrustEvents;
  }

  /** Forgets everything about {@code peer} (it left the cluster). */
  public void forget(String peer) {
    peers.remove(peer);
  }

  /**
   * How much farther than {@code rtt} a claim of {@code peer} may put it, ms: {@code max(T · rtt,
   * medianFactor · median |estimate − rtt|)} over the other trusted peers' fresh samples, infinite
   * with fewer than {@code minReferencePeers} of them. The absolute term matters on short links,
   * where heights make honest relative errors large.
   */
  private double tolerance(String peer, long now, double rtt) {
    double[] errors = new double[peers.size()];
    double[] excess = new double[peers.size()];
    int n = 0;
    long maxAge = settings.errorMaxAge().toNanos();
    for (Map.Entry<String, Peer> e : peers.entrySet()) {
      Peer p = e.getValue();
      if (!e.getKey().equals(peer)
          && !Double.isNaN(p.lastError)
          && now >= p.distrustedUntil
          && now - p.lastErrorNanos <= maxAge) {
        errors[n] = p.lastError;
        excess[n] = p.lastExcess;
        n++;
      }
    }
    if (n < settings.minReferencePeers()) {
      return Double.POSITIVE_INFINITY;
    }
    double relative =
        Math.max(settings.minThreshold(), settings.medianFactor() * median(errors, n));
    return Math.max(relative * rtt, settings.medianFactor() * median(excess, n));
  }

  private static double median(double[] values, int n) {
    Arrays.sort(values, 0, n);
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
  }

  private long nanos() {
    var i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
