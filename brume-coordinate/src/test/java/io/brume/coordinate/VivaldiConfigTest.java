package io.brume.coordinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class VivaldiConfigTest {
  @Test
  void serfDefaults_areSerfs() {
    VivaldiConfig c = VivaldiConfig.defaults();
    assertThat(c.dimensions()).isEqualTo(8);
    assertThat(c.errorMax()).isEqualTo(1.5);
    assertThat(c.ce()).isEqualTo(0.25);
    assertThat(c.cc()).isEqualTo(0.25);
    assertThat(c.adjustmentWindowSize()).isEqualTo(20);
    assertThat(c.heightMin()).isEqualTo(0.01);
    assertThat(c.latencyFilterSize()).isEqualTo(3);
    assertThat(c.latencyFilterPercentile()).isEqualTo(0.5);
    assertThat(c.gravityRho()).isEqualTo(150_000.0);
    assertThat(c.maxRelativeDisplacement()).isInfinite();
    assertThat(c.wrongnessCap()).isInfinite();
  }

  @Test
  void robust_isSerfPlusTheRobustnessKnobs() {
    VivaldiConfig r = VivaldiConfig.robust();
    assertThat(r.dimensions()).isEqualTo(16);
    assertThat(r.ce()).isEqualTo(0.25);
    assertThat(r.cc()).isEqualTo(0.25);
    assertThat(r.adjustmentWindowSize()).isEqualTo(100);
    assertThat(r.memoryAdjustmentQuantile()).isEqualTo(0.35);
    assertThat(r.gravityRho()).isEqualTo(150_000.0);
    assertThat(r.latencyFilterSize()).isEqualTo(4);
    assertThat(r.latencyFilterPercentile()).isEqualTo(0.25);
    assertThat(r.nearPeers()).isEqualTo(16);
    assertThat(r.nearProbeFraction()).isEqualTo(0.3);
    assertThat(r.neighbourMemory()).isEqualTo(96);
    assertThat(r.memoryGain()).isEqualTo(4.0);
    assertThat(r.fastStart()).isEqualTo(Duration.ofMinutes(5));
    assertThat(r.fastStartRecency()).isEqualTo(Duration.ofSeconds(8));
    assertThat(r.fastStartRecencyGrowth()).isEqualTo(0.25);
    assertThat(r.fastStartSteps()).isEqualTo(5);
    assertThat(r.heightShareMin()).isEqualTo(1.0);
    assertThat(VivaldiConfig.defaults().fastStart()).isZero();
    assertThat(VivaldiConfig.defaults().memoryAdjustmentQuantile()).isZero();
    assertThat(VivaldiConfig.defaults().neighbourMemory()).isZero();
    assertThat(VivaldiConfig.defaults().withDimensions(3).dimensions()).isEqualTo(3);
  }

  @Test
  void builder_roundTrips() {
    VivaldiConfig c = VivaldiConfig.builder().dimensions(3).cc(0.1).build();
    assertThat(c.dimensions()).isEqualTo(3);
    assertThat(c.cc()).isEqualTo(0.1);
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void invalidValues_areRejectedNamingTheField() {
    assertThatThrownBy(() -> VivaldiConfig.builder().dimensions(0).build())
        .hasMessage("VivaldiConfig.dimensions must be in [1, 64], got 0");
    assertThatThrownBy(() -> VivaldiConfig.builder().cc(Double.NaN).build())
        .hasMessageContaining("cc");
    assertThatThrownBy(() -> VivaldiConfig.builder().ce(0).build()).hasMessageContaining("ce");
    assertThatThrownBy(() -> VivaldiConfig.builder().errorMax(Double.POSITIVE_INFINITY).build())
        .hasMessageContaining("errorMax");
    assertThatThrownBy(() -> VivaldiConfig.builder().latencyFilterSize(0).build())
        .hasMessageContaining("latencyFilterSize");
    assertThatThrownBy(() -> VivaldiConfig.builder().latencyFilterPercentile(1.5).build())
        .hasMessageContaining("latencyFilterPercentile");
    assertThatThrownBy(
            () -> VivaldiConfig.builder().latencyFilterMaxAge(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("latencyFilterMaxAge");
    assertThatThrownBy(() -> VivaldiConfig.builder().gravityRho(-1).build())
        .hasMessageContaining("gravityRho");
    assertThatThrownBy(() -> VivaldiConfig.builder().heightMin(-1).build())
        .hasMessageContaining("heightMin");
    assertThatThrownBy(() -> VivaldiConfig.builder().adjustmentWindowSize(-1).build())
        .hasMessageContaining("adjustmentWindowSize");
    assertThatThrownBy(() -> VivaldiConfig.builder().maxRelativeDisplacement(0).build())
        .hasMessageContaining("maxRelativeDisplacement");
    assertThatThrownBy(() -> VivaldiConfig.builder().neighbourMemory(-1).build())
        .hasMessageContaining("neighbourMemory");
    assertThatThrownBy(() -> VivaldiConfig.builder().memoryGain(0).build())
        .hasMessageContaining("memoryGain");
    assertThatThrownBy(() -> VivaldiConfig.builder().fastStart(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("fastStart");
    assertThatThrownBy(
            () ->
                VivaldiConfig.builder()
                    .fastStart(Duration.ofSeconds(1))
                    .fastStartRecency(Duration.ZERO)
                    .build())
        .hasMessageContaining("fastStartRecency");
    assertThatThrownBy(() -> VivaldiConfig.builder().fastStartSteps(0).build())
        .hasMessageContaining("fastStartSteps");
    assertThatThrownBy(() -> VivaldiConfig.builder().fastStartRecencyGrowth(-1).build())
        .hasMessageContaining("fastStartRecencyGrowth");
    assertThatThrownBy(() -> VivaldiConfig.builder().heightShareMin(1.5).build())
        .hasMessageContaining("heightShareMin");
    assertThatThrownBy(() -> VivaldiConfig.builder().memoryAdjustmentQuantile(-0.1).build())
        .hasMessageContaining("memoryAdjustmentQuantile");
    assertThatThrownBy(() -> VivaldiConfig.builder().nearProbeFraction(2).build())
        .hasMessageContaining("nearProbeFraction");
    assertThatThrownBy(() -> VivaldiConfig.builder().wrongnessCap(Double.NaN).build())
        .hasMessageContaining("wrongnessCap");
  }
}
