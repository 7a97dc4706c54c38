package io.brume.coordinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PeerSelectorTest {
  private static final List<String> PEERS =
      List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");

  @Test
  void nearSet_isTheLowestRttsAfterEveryObservation() {
    // The set is re-sorted only when an observation can change it: check it against a full sort
    // after each of many observations with ties, improvements and peers that never enter.
    SplittableRandom random = new SplittableRandom(5);
    PeerSelector s = new PeerSelector(4, 0.5, new SplittableRandom(1));
    Map<String, Double> best = new HashMap<>();
    for (int k = 0; k < 2_000; k++) {
      String peer = "p" + random.nextInt(40);
      double rtt = 1 + random.nextInt(60);
      s.observe(peer, rtt);
      best.merge(peer, rtt, Math::min);
      if (random.nextInt(10) == 0) {
        String gone = "p" + random.nextInt(40);
        s.remove(gone);
        best.remove(gone);
      }
      List<String> expected =
          best.entrySet().stream()
              .sorted(
                  Map.Entry.<String, Double>comparingByValue()
                      .thenComparing(Map.Entry.comparingByKey()))
              .limit(4)
              .map(Map.Entry::getKey)
              .toList();
      if (random.nextInt(3) == 0 || k == 1_999) { // also let observations pile up between reads
        assertThat(s.nearPeers()).as("after %d observations", k + 1).isEqualTo(expected);
      }
    }
  }

  @Test
  void nearSet_keepsLowestRtts() {
    PeerSelector s = new PeerSelector(3, 0.5, new SplittableRandom(1));
    s.observe("a", 0.100);
    s.observe("b", 0.010);
    s.observe("c", 0.050);
    s.observe("d", 0.020);
    s.observe("a", 0.005);
    s.observe("e", Double.NaN);
    s.observe("f", -1);
    assertThat(s.nearPeers()).containsExactly("a", "b", "d");
    s.remove("a");
    assertThat(s.nearPeers()).containsExactly("b", "d", "c");
  }

  @Test
  void mixesNearAndFarPeers() {
    PeerSelector s = new PeerSelector(2, 0.5, new SplittableRandom(7));
    s.observe("a", 0.001);
    s.observe("b", 0.002);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      counts.merge(s.next(PEERS), 1, Integer::sum);
    }
    // Near peers get 0.5/2 + 0.5/10 = 30 % each; far peers 5 % each.
    assertThat(counts.get("a")).isBetween(2700, 3300);
    assertThat(counts.get("j")).isBetween(350, 650);
    assertThat(counts).hasSize(10);
  }

  @Test
  void isDeterministicWithSeed() {
    PeerSelector s1 = new PeerSelector(2, 0.5, new SplittableRandom(3));
    PeerSelector s2 = new PeerSelector(2, 0.5, new SplittableRandom(3));
    for (int i = 0; i < 100; i++) {
      assertThat(s1.next(PEERS)).isEqualTo(s2.next(PEERS));
    }
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new PeerSelector(-1, 0.5, new SplittableRandom()))
        .hasMessageContaining("nearCount");
    assertThatThrownBy(() -> new PeerSelector(1, 2, new SplittableRandom()))
        .hasMessageContaining("nearFraction");
    assertThatThrownBy(() -> new PeerSelector(1, 0.5, new SplittableRandom()).next(List.of()))
        .hasMessageContaining("no peers");
  }
}
