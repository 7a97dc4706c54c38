package io.brume.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.coordinate.Coordinate;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Peer choice is a pure function of coordinates, throughputs and (random mode) the seed. */
class PeerRankingTest {
  private static final Coordinate SELF = at(0, 0);
  private static final PeerRanking NEAREST = new PeerRanking(PeerRanking.Mode.NEAREST, 12.5e6);

  private static Coordinate at(double x, double y) {
    return new Coordinate(new double[] {x, y}, 0.1, 0, 0);
  }

  private static PeerNode peer(String name, Coordinate c) {
    return PeerNode.of(name, URI.create("http://" + name + ":7948"), c);
  }

  private static List<String> names(List<PeerNode> peers) {
    return peers.stream().map(PeerNode::name).toList();
  }

  private final List<PeerNode> peers =
      List.of(
          peer("far", at(80, 0)), // another site, ~80 ms
          peer("lan-b", at(0.4, 0)),
          peer("mid", at(0, 25)),
          peer("lan-a", at(0.3, 0.1)),
          new PeerNode("unknown", URI.create("http://unknown:7948"), Optional.empty()));

  @Test
  void withoutMeasurementsPeersAreOrderedByEstimatedRtt() {
    assertThat(names(NEAREST.rank(SELF, peers, Map.of(), 30_000_000, new SplittableRandom(1))))
        .containsExactly("lan-a", "lan-b", "mid", "far", "unknown");
  }

  @Test
  void aNearPeerThatDeliveredSlowlySinksBelowAFarFastOne() {
    // lan-a delivered 0.5 MB/s: 30 MB takes 60 s from it, but ~2.4 s from mid at the prior.
    Map<String, Double> delivered = Map.of("lan-a", 0.5e6, "lan-b", 0.4e6);
    assertThat(names(NEAREST.rank(SELF, peers, delivered, 30_000_000, new SplittableRandom(1))))
        .containsExactly("mid", "far", "lan-a", "lan-b", "unknown");
    // For a few bytes the RTT dominates again.
    assertThat(names(NEAREST.rank(SELF, peers, delivered, 1_000, new SplittableRandom(1))))
        .startsWith("lan-a", "lan-b", "mid");
  }

  @Test
  void tiesBreakByNameWhateverTheInputOrder() {
    List<PeerNode> twins = List.of(peer("b", at(1, 0)), peer("a", at(-1, 0)));
    assertThat(names(NEAREST.rank(SELF, twins, Map.of(), 1, new SplittableRandom(1))))
        .containsExactly("a", "b");
    assertThat(names(NEAREST.rank(SELF, twins.reversed(), Map.of(), 1, new SplittableRandom(1))))
        .containsExactly("a", "b");
  }

  @Test
  void incompatibleCoordinatesCountAsUnknown() {
    PeerNode threeD =
        PeerNode.of("3d", URI.create("http://3d:1"), new Coordinate(new double[3], 0.1, 0, 0));
    assertThat(names(NEAREST.rank(SELF, List.of(threeD, peers.get(0)), Map.of(), 1, null)))
        .containsExactly("far", "3d");
  }

  @Test
  void randomModeIsAShuffleDeterminedBySeedAlone() {
    PeerRanking random = new PeerRanking(PeerRanking.Mode.RANDOM, 12.5e6);
    List<String> first = names(random.rank(SELF, peers, Map.of(), 1, new SplittableRandom(42)));
    List<String> again =
        names(random.rank(SELF, peers.reversed(), Map.of(), 1, new SplittableRandom(42)));
    assertThat(again).isEqualTo(first);
    assertThat(first).containsExactlyInAnyOrderElementsOf(names(peers));
    // Over many seeds every peer comes first sometimes: proximity plays no part.
    java.util.Set<String> leaders = new java.util.HashSet<>();
    for (int seed = 0; seed < 200; seed++) {
      leaders.add(random.rank(SELF, peers, Map.of(), 1, new SplittableRandom(seed)).get(0).name());
    }
    assertThat(leaders).containsExactlyInAnyOrderElementsOf(names(peers));
  }
}
