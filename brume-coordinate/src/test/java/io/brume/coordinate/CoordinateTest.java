package io.brume.coordinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CoordinateTest {
  private static Coordinate c(double adjustment, double height, double... v) {
    return new Coordinate(v, 1.5, adjustment, height);
  }

  @Test
  void distance_matchesSerfGoldenValues() {
    // Serf coordinate_test.go TestCoordinate_DistanceTo.
    Coordinate a = c(0, 0, -0.5, 1.3, 2.4);
    Coordinate b = c(0, 0, 1.2, -2.3, 3.4);
    assertThat(a.estimateRttMillis(b)).isCloseTo(4.104875150354758, within(1e-12));
    assertThat(b.estimateRttMillis(a)).isCloseTo(4.104875150354758, within(1e-12));

    Coordinate aAdj = c(0.1, 0, -0.5, 1.3, 2.4);
    Coordinate bAdj = c(0.2, 0, 1.2, -2.3, 3.4);
    assertThat(aAdj.estimateRttMillis(bAdj)).isCloseTo(4.104875150354758 + 0.3, within(1e-12));

    Coordinate aH = c(0.1, 0.7, -0.5, 1.3, 2.4);
    Coordinate bH = c(0.2, 0.1, 1.2, -2.3, 3.4);
    assertThat(aH.estimateRttMillis(bH)).isCloseTo(4.104875150354758 + 0.3 + 0.8, within(1e-12));
  }

  @Test
  void distance_ignoresAdjustmentThatWouldMakeItNegative() {
    Coordinate a = c(-1e6, 0, -0.5, 1.3, 2.4);
    Coordinate b = c(0, 0, 1.2, -2.3, 3.4);
    assertThat(a.estimateRttMillis(b)).isCloseTo(4.104875150354758, within(1e-12));
  }

  @Test
  void distanceTo_isADuration() {
    Coordinate a = c(0, 0, 0.0, 0.0);
    Coordinate b = c(0, 0, 3.0, 4.0);
    assertThat(a.distanceTo(b)).isEqualTo(Duration.ofMillis(5));
  }

  @Test
  void distance_rejectsOtherDimensions() {
    assertThatThrownBy(() -> c(0, 0, 1, 2).estimateRttMillis(c(0, 0, 1, 2, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimensions differ: 2 vs 3");
  }

  @Test
  void isValid_detectsNaNAndInfinity() {
    assertThat(c(0, 0, 1, 2).isValid()).isTrue();
    assertThat(c(0, 0, 1, Double.NaN).isValid()).isFalse();
    assertThat(c(0, 0, Double.POSITIVE_INFINITY, 1).isValid()).isFalse();
    assertThat(c(Double.NaN, 0, 1, 1).isValid()).isFalse();
    assertThat(c(0, Double.NEGATIVE_INFINITY, 1, 1).isValid()).isFalse();
    assertThat(new Coordinate(new double[] {1}, Double.NaN, 0, 0).isValid()).isFalse();
  }

  @Test
  void isImmutable() {
    double[] v = {1, 2};
    Coordinate a = new Coordinate(v, 1, 0, 0);
    v[0] = 99;
    a.vector()[1] = 99;
    assertThat(a.vector()).containsExactly(1, 2);
    assertThat(a).isEqualTo(new Coordinate(new double[] {1, 2}, 1, 0, 0));
    assertThat(a.hashCode()).isEqualTo(new Coordinate(new double[] {1, 2}, 1, 0, 0).hashCode());
  }

  @Test
  void origin_followsConfig() {
    Coordinate o = Coordinate.origin(VivaldiConfig.defaults());
    assertThat(o.dimensions()).isEqualTo(8);
    assertThat(o.error()).isEqualTo(1.5);
    assertThat(o.height()).isEqualTo(0.01);
    assertThat(o.adjustment()).isZero();
  }
}
