package io.brume.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProjectionTest {

  @Test
  void pointsSpreadInAPlaneOfAHigherSpaceKeepTheirPairwiseDistances() {
    // A triangle lying in a tilted plane of 4-D space: the principal plane is that plane.
    double[] u = {0.5, 0.5, 0.5, 0.5};
    double[] v = {0.5, -0.5, 0.5, -0.5};
    List<double[]> points =
        List.of(combine(u, v, 0, 0), combine(u, v, 30, 0), combine(u, v, 0, 40));

    double[][] plane = Projection.principalPlane(points);

    assertThat(distance(plane[0], plane[1])).isCloseTo(30, within(1e-6));
    assertThat(distance(plane[0], plane[2])).isCloseTo(40, within(1e-6));
    assertThat(distance(plane[1], plane[2])).isCloseTo(50, within(1e-6));
  }

  @Test
  void theFirstAxisIsTheDirectionOfLargestSpread() {
    List<double[]> points =
        List.of(new double[] {-100, 1}, new double[] {100, -1}, new double[] {0, 0});

    double[][] plane = Projection.principalPlane(points);

    assertThat(Math.abs(plane[0][0])).isCloseTo(100, within(0.1));
    assertThat(Math.abs(plane[0][1])).isLessThan(2);
  }

  @Test
  void rejectsVectorsOfDifferentDimensions() {
    assertThatThrownBy(
            () -> Projection.principalPlane(List.of(new double[] {1, 2}, new double[] {1})))
        .hasMessageContaining("different dimensions: 2 and 1");
  }

  private static double[] combine(double[] u, double[] v, double a, double b) {
    double[] out = new double[u.length];
    for (int k = 0; k < u.length; k++) {
      out[k] = 7 + a * u[k] + b * v[k];
    }
    return out;
  }

  private static double distance(double[] p, double[] q) {
    return Math.hypot(p[0] - q[0], p[1] - q[1]);
  }
}
