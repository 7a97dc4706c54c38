package io.brume.coordinate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Chooses the next peer to probe so that a node samples both its <b>near</b> peers (fine local
 * structure: which of several close replicas is closest) and <b>far</b> ones (global structure).
 * Vivaldi [1] §4 found that probing only close neighbours distorts the map and that a mix fixes it;
 * Ledlie et al. [2] keep a neighbour set for the same reason.
 *
 * <p>With probability {@code nearFraction} the peer is drawn uniformly from the {@code nearCount}
 * peers with the lowest RTT observed so far ({@link #observe}); otherwise uniformly from all peers.
 * Peers never measured count as far, so a new node explores first. Pure and deterministic given its
 * random source; not thread-safe.
 */
public final class PeerSelector {
  private final int nearCount;
  private final double nearFraction;
  private final RandomGenerator random;
  private final Map<String, Double> bestRtt = new HashMap<>();
  private List<String> nearCache = List.of();
  private boolean nearDirty;

  /**
   * @param nearCount size of the near set (e.g. 8)
   * @param nearFraction probability of probing a near peer, in [0, 1] (0 = uniformly random, as
   *     Serf)
   * @param random random source
   */
  public PeerSelector(int nearCount, double nearFraction, RandomGenerator random) {
    if (nearCount < 0) {
      throw new IllegalArgumentException("nearCount must be >= 0, got " + nearCount);
    }
    if (!(nearFraction >= 0 && nearFraction <= 1)) {
      throw new IllegalArgumentException("nearFraction must be in [0, 1], got " + nearFraction);
    }
    this.nearCount = nearCount;
    this.nearFraction = nearFraction;
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * Records a measured RTT to {@code peer}, in ms; the near set keeps each peer's lowest RTT.
   * Invalid RTTs (not positive, infinite, NaN) are ignored.
   */
  public void observe(String peer, double rttMillis) {
    if (!(rttMillis > 0) || Double.isInfinite(rttMillis)) {
      return;
    }
    Double old = bestRtt.get(peer);
    if (old == null || rttMillis < old) {
      bestRtt.put(peer, rttMillis);
      nearDirty |= mayEnterNearSet(peer, rttMillis);
    }
  }

  /**
   * False when the near set is up to date and {@code peer}, now at {@code rtt}, is neither in it
   * nor closer than its farthest member (by RTT, then name, the set's order): then the set does not
   * change and is not sorted again. A simulation of thousands of nodes re-sorted every node's whole
   * peer table on nearly every probe.
   */
  private boolean mayEnterNearSet(String peer, double rtt) {
    if (nearDirty || nearCache.size() < nearCount || nearCache.contains(peer)) {
      return true;
    }
    if (nearCount == 0) {
      return false;
    }
    String farthest = nearCache.get(nearCache.size() - 1);
    int byRtt = Double.compare(rtt, bestRtt.get(farthest));
    return byRtt < 0 || (byRtt == 0 && peer.compareTo(farthest) < 0);
  }

  /** Forgets a peer that left. */
  public void remove(String peer) {
    if (bestRtt.remove(peer) != null) {
      nearDirty = true;
    }
  }

  /** The current near set, closest first. */
  public List<String> nearPeers() {
    if (nearDirty) {
      List<Map.Entry<String, Double>> entries = new ArrayList<>(bestRtt.entrySet());
      entries.sort(
          Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
      List<String> near = new ArrayList<>(Math.min(nearCount, entries.size()));
      for (int i = 0; i < entries.size() && i < nearCount; i++) {
        near.add(entries.get(i).getKey());
      }
      nearCache = List.copyOf(near);
      nearDirty = false;
    }
    return nearCache;
  }

  /**
   * The next peer to probe among {@code peers} (the current membership, in a stable order for
   * determinism).
   *
   * @throws IllegalArgumentException if {@code peers} is empty
   */
  public String next(List<String> peers) {
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("no peers to probe");
    }
    if (nearCount > 0 && random.nextDouble() < nearFraction) {
      List<String> near = nearPeers();
      if (!near.isEmpty()) {
        return near.get(random.nextInt(near.size()));
      }
    }
    return peers.get(random.nextInt(peers.size()));
  }
}
