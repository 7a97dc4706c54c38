package io.brume.coordinate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyFilterTest {
  @Test
  void medianOfThree_matchesSerfGoldenValues() {
    // Serf client_test.go TestClient_latencyFilter: the 1.9 glitch never reaches Vivaldi.
    LatencyFilter f = new LatencyFilter(3);
    double[] in = {0.201, 0.200, 0.207, 1.9, 0.203, 0.199, 0.211};
    double[] want = {0.201, 0.201, 0.201, 0.207, 0.207, 0.203, 0.203};
    for (int i = 0; i < in.length; i++) {
      assertThat(f.add(in[i], 0, 0, 0.5)).as("sample %d", i).isEqualTo(want[i]);
    }
  }

  @Test
  void lowPercentile_ignoresQueueingSpikes() {
    LatencyFilter f = new LatencyFilter(4);
    f.add(0.100, 0, 0, 0.25);
    f.add(0.180, 0, 0, 0.25);
    f.add(0.300, 0, 0, 0.25);
    assertThat(f.add(0.101, 0, 0, 0.25)).isEqualTo(0.101);
  }

  @Test
  void oldSamplesExpire() {
    LatencyFilter f = new LatencyFilter(3);
    f.add(0.010, 0, 100, 0.0);
    f.add(0.020, 50, 100, 0.0);
    // At t = 200 both are older than 100 ns; only the new sample counts.
    assertThat(f.add(0.050, 200, 100, 0.0)).isEqualTo(0.050);
    assertThat(f.add(0.040, 210, 100, 0.0)).isEqualTo(0.040);
    assertThat(f.add(0.060, 220, 100, 0.0)).isEqualTo(0.040);
    assertThat(f.add(0.070, 230, 100, 0.0)).isEqualTo(0.040);
    assertThat(f.add(0.080, 240, 100, 0.0)).isEqualTo(0.060);
  }
}
