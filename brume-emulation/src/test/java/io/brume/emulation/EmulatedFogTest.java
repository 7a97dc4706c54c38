package io.brume.emulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.brume.dashboard.PolicyStats;
import io.brume.dashboard.StatsView;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EmulatedFogTest {

  @Test
  void coordinatesConvergeAndBrumesPolicyBeatsRandomOnTheSameTraffic() {
    FogConfig defaults = FogConfig.defaults(RttDataset.bundled(), 12);
    FogConfig config =
        new FogConfig(
            defaults.dataset(),
            12,
            3,
            defaults.requestsPerSecondPerNode(),
            defaults.serviceTime(),
            defaults.workersPerReplica(),
            Duration.ofMillis(100),
            Duration.ofSeconds(1),
            "adaptive",
            7L);
    try (EmulatedFog fog = EmulatedFog.start(config)) {
      // 12 nodes × 10 probes/s: each node has ~50 samples after 5 s.
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> fog.medianRelativeError() < 0.25);

      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> fog.dashboard().stats().policies().get(0).requests() >= 200);

      StatsView stats = fog.dashboard().stats();
      Map<String, PolicyStats> byName =
          stats.policies().stream().collect(Collectors.toMap(PolicyStats::name, p -> p));
      System.out.printf(
          "median relative error %.3f; random mean %.1f p95 %.1f; adaptive mean %.1f p95 %.1f%n",
          fog.medianRelativeError(),
          byName.get("random").meanLatencyMillis(),
          byName.get("random").p95LatencyMillis(),
          byName.get("adaptive").meanLatencyMillis(),
          byName.get("adaptive").p95LatencyMillis());
      assertThat(byName.get("adaptive").meanLatencyMillis())
          .isLessThan(byName.get("random").meanLatencyMillis());
      assertThat(byName.get("adaptive").requests()).isGreaterThan(150);
      assertThat(fog.dashboard().nodes()).hasSize(12);
    }
  }
}
