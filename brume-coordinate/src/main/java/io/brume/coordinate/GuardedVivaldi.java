package io.brume.coordinate;

import java.time.Duration;
import java.util.Objects;

/**
 * A {@link VivaldiClient} behind a {@link SampleGuard}: what a node facing possibly lying peers
 * uses. Each sample is checked for impossible values ({@link CoordinateBounds}), then judged
 * against the measured RTT; only accepted samples reach {@link VivaldiClient#update}. Impossible
 * values count as contradictions towards distrust. When a peer becomes distrusted, the client
 * forgets its latency filter and remembered coordinate, so claims it made before it was caught stop
 * pulling this node at once.
 *
 * <p>Thread-safe: every method synchronises on this object.
 */
public final class GuardedVivaldi {
  private final VivaldiClient client;
  private final SampleGuard guard;
  private long implausible;
  private long contradicted;
  private long distrustedDrops;

  /** Guards {@code client} with {@code guard}; the client should not be updated directly. */
  public GuardedVivaldi(VivaldiClient client, SampleGuard guard) {
    this.client = Objects.requireNonNull(client, "client");
    this.guard = Objects.requireNonNull(guard, "guard");
  }

  /** The guarded client (read its coordinate and stats; do not update it directly). */
  public VivaldiClient client() {
    return client;
  }

  /** This node's coordinate. */
  public Coordinate coordinate() {
    return client.coordinate();
  }

  /**
   * Applies one probe result if the guard accepts it.
   *
   * @return the verdict; the coordinate moved only if {@link SampleGuard.Verdict#ACCEPTED}
   * @throws InvalidSampleException if the sample holds impossible values (bad RTT, a NaN or
   *     infinite field, negative height or error, an absurd magnitude, other dimensions)
   */
  public synchronized SampleGuard.Verdict update(
      String node, Coordinate claimed, double rttMillis) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(claimed, "claimed");
    if (!(rttMillis > 0.0) || rttMillis > VivaldiConfig.MAX_RTT_MILLIS) {
      client.update(node, claimed, rttMillis); // refuses and counts it with the right reason
    }
    if (claimed.dimensions() != client.config().dimensions()) {
      client.update(node, claimed, rttMillis);
    }
    try {
      CoordinateBounds.check(node, claimed);
    } catch (InvalidSampleException e) {
      implausible++;
      if (guard.impossible(node) == SampleGuard.Verdict.NOW_DISTRUSTED) {
        client.forgetNode(node);
      }
      throw e;
    }
    SampleGuard.Verdict verdict = guard.judge(node, client.coordinate(), claimed, rttMillis);
    switch (verdict) {
      case ACCEPTED -> client.update(node, claimed, rttMillis);
      case CONTRADICTED -> contradicted++;
      case NOW_DISTRUSTED -> {
        contradicted++;
        client.forgetNode(node);
      }
      case DISTRUSTED -> distrustedDrops++;
    }
    return verdict;
  }

  /** {@link #update(String, Coordinate, double)} with the RTT as a duration. */
  public SampleGuard.Verdict update(String node, Coordinate claimed, Duration rtt) {
    double millis;
    try {
      millis = rtt.toNanos() / 1.0e6;
    } catch (ArithmeticException overflow) {
      millis = Double.POSITIVE_INFINITY;
    }
    return update(node, claimed, millis);
  }

  /**
   * Whether a coordinate {@code node} claims without a timed probe (in its ping) may be stored and
   * shown as that peer's; see {@link SampleGuard#plausible}.
   */
  public synchronized boolean plausible(String node, Coordinate claimed) {
    return claimed.dimensions() == client.config().dimensions()
        && CoordinateBounds.violation(claimed) == null
        && guard.plausible(node, client.coordinate(), claimed);
  }

  /** Whether {@code node} is distrusted now. */
  public synchronized boolean isDistrusted(String node) {
    return guard.isDistrusted(node);
  }

  /** Counters of the defence. */
  public synchronized GuardStats stats() {
    return new GuardStats(
        implausible,
        contradicted,
        distrustedDrops,
        guard.distrustEvents(),
        guard.distrustedPeers());
  }

  /** Drops everything known about a peer that left. */
  public synchronized void forgetNode(String node) {
    guard.forget(node);
    client.forgetNode(node);
  }

  /**
   * Counters of a {@link GuardedVivaldi}.
   *
   * @param implausible samples refused for impossible values ({@link CoordinateBounds})
   * @param contradicted samples discarded because the claim contradicted the measured RTT
   * @param distrustedDrops samples of distrusted peers discarded unseen
   * @param distrustEvents times a peer became distrusted
   * @param distrustedPeers peers distrusted now
   */
  public record GuardStats(
      long implausible,
      long contradicted,
      long distrustedDrops,
      long distrustEvents,
      int distrustedPeers) {}
}
