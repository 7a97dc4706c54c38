package io.brume.peer;

import io.brume.coordinate.Coordinate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Orders the peers to ask for a blob, best first. Pure and deterministic: coordinates, delivered
 * throughputs and (for the random baseline) a random source in, an ordered list out.
 *
 * <p>{@link Mode#NEAREST} sorts by the expected time to receive the blob: the estimated RTT from
 * Vivaldi coordinates plus the blob's size over the throughput the peer actually delivered to this
 * node (a prior for peers not measured yet). With no measurements that is the RTT order; a near
 * peer that turned out slow (a busy Raspberry Pi, a congested LAN) sinks below a slightly farther
 * fast one. Peers without a coordinate come last; ties break by name.
 *
 * <p>{@link Mode#RANDOM} ignores proximity (Spegel's choice): a uniform shuffle from the injected
 * random source, the baseline that nearest-peer is measured against.
 */
public final class PeerRanking {
  /** How candidates are ordered. */
  public enum Mode {
    NEAREST,
    RANDOM
  }

  private final Mode mode;
  private final double priorBytesPerSecond;

  /**
   * @param mode nearest or random
   * @param priorBytesPerSecond throughput assumed for a peer not measured yet (a LAN's, since peers
   *     are asked nearest first)
   */
  public PeerRanking(Mode mode, double priorBytesPerSecond) {
    if (!(priorBytesPerSecond > 0) || Double.isInfinite(priorBytesPerSecond)) {
      throw new IllegalArgumentException(
          "prior throughput must be positive and finite, got " + priorBytesPerSecond);
    }
    this.mode = mode;
    this.priorBytesPerSecond = priorBytesPerSecond;
  }

  public Mode mode() {
    return mode;
  }

  /**
   * The candidates, best first.
   *
   * @param self this node's coordinate
   * @param candidates the peers that may have the blob
   * @param deliveredBytesPerSecond throughput each peer delivered before, by name (may be partial)
   * @param bytes how many bytes are wanted (the rest of the blob)
   * @param random used only in {@link Mode#RANDOM}
   */
  public List<PeerNode> rank(
      Coordinate self,
      Collection<PeerNode> candidates,
      Map<String, Double> deliveredBytesPerSecond,
      long bytes,
      RandomGenerator random) {
    List<PeerNode> ordered = new ArrayList<>(candidates);
    ordered.sort(Comparator.comparing(PeerNode::name));
    if (mode == Mode.RANDOM) {
      for (int i = ordered.size() - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        PeerNode swap = ordered.get(i);
        ordered.set(i, ordered.get(j));
        ordered.set(j, swap);
      }
      return ordered;
    }
    ordered.sort(
        Comparator.comparingDouble(
                (PeerNode p) -> expectedMillis(self, p, deliveredBytesPerSecond, bytes))
            .thenComparing(PeerNode::name));
    return ordered;
  }

  /** Estimated RTT plus transfer time at the delivered (or assumed) rate; +∞ without coordinate. */
  double expectedMillis(Coordinate self, PeerNode peer, Map<String, Double> delivered, long bytes) {
    Optional<Coordinate> at = peer.coordinate();
    if (at.isEmpty() || !self.isCompatibleWith(at.get())) {
      return Double.POSITIVE_INFINITY;
    }
    double rate = delivered.getOrDefault(peer.name(), priorBytesPerSecond);
    if (!(rate > 0)) {
      rate = Double.MIN_NORMAL;
    }
    return self.estimateRttMillis(at.get()) + Math.max(0, bytes) * 1000.0 / rate;
  }
}
