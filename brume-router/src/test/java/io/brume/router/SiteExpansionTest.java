package io.brume.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.coordinate.RttMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteExpansionTest {

  private final RttMatrix sites =
      RttMatrix.of(List.of("a", "b", "c"), new double[][] {{0, 40, 90}, {40, 0, 60}, {90, 60, 0}});

  @Test
  void nodesOfOneSiteAreAFewMillisecondsApartAndInheritTheMatrixBetweenSites() {
    SiteExpansion.Expanded fog = new SiteExpansion(4).of(sites, 7);

    assertThat(fog.size()).isEqualTo(12);
    assertThat(fog.name(5)).isEqualTo("b/1");
    for (int e = 0; e < 12; e++) {
      assertThat(fog.rttMillis(e, e)).isZero();
      for (int f = 0; f < 12; f++) {
        assertThat(fog.rttMillis(e, f)).isEqualTo(fog.rttMillis(f, e));
        if (e != f && e / 4 == f / 4) {
          assertThat(fog.rttMillis(e, f)).isBetween(1.0, 5.0);
        }
      }
    }
    // a_e + a_f added to the matrix: b/1 → c/2 minus b/0 → c/2 is a_(b/1) − a_(b/0).
    double viaSites = fog.rttMillis(5, 10) - sites.rttMillis(1, 2);
    assertThat(viaSites).isBetween(1.0, 5.0);
    assertThat(fog.rttMillis(5, 10) - fog.rttMillis(4, 10))
        .isCloseTo(
            fog.rttMillis(5, 0) - fog.rttMillis(4, 0),
            org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void sameSeedSameFogAndNoExpansionIsTheMatrixItself() {
    SiteExpansion.Expanded one = new SiteExpansion(3).of(sites, 1);
    SiteExpansion.Expanded again = new SiteExpansion(3).of(sites, 1);
    SiteExpansion.Expanded other = new SiteExpansion(3).of(sites, 2);
    assertThat(again.rttMillis(0, 4)).isEqualTo(one.rttMillis(0, 4));
    assertThat(other.rttMillis(0, 4)).isNotEqualTo(one.rttMillis(0, 4));

    SiteExpansion.Expanded none = SiteExpansion.none().of(sites, 1);
    assertThat(none.size()).isEqualTo(3);
    assertThat(none.rttMillis(0, 2)).isEqualTo(90);
    assertThat(none.name(2)).isEqualTo("c");
  }

  @Test
  void rejectsLessThanOneNodePerSite() {
    assertThatThrownBy(() -> new SiteExpansion(0))
        .hasMessage("expand must be >= 1 fog nodes per site, got 0");
  }

  @Test
  void aDataSetExpandsIntoAFogOfSitesWithRobustCoordinates(@TempDir Path dir) throws IOException {
    Path matrix = dir.resolve("sites.tsv");
    StringBuilder text = new StringBuilder();
    double[][] positions = {{0, 0}, {50, 0}, {0, 80}, {70, 60}, {30, 30}};
    for (double[] p : positions) {
      for (double[] q : positions) {
        double rtt = p == q ? 0 : 1 + Math.hypot(p[0] - q[0], p[1] - q[1]);
        text.append(rtt).append(' ');
      }
      text.append('\n');
    }
    Files.writeString(matrix, text);
    SimulationConfig config =
        TestFogs.small()
            .withTopology(40, 5, SimulationConfig.Placement.BALANCED)
            .withDuration(10, 2);

    Fog fog = FogDatasets.load(matrix, config, new SiteExpansion(10));

    assertThat(fog.nodes()).isEqualTo(40);
    SimulationReport report = RouteSimulator.simulate(fog, config, List.of("nearest", "random"));
    // With five sites of ~8 nodes and five replicas, proximity finds the replica next door.
    assertThat(report.policies().get("nearest").meanLatencyMillis())
        .isLessThan(0.5 * report.policies().get("random").meanLatencyMillis());
    assertThatThrownBy(
            () ->
                FogDatasets.load(
                    matrix,
                    config.withTopology(60, 5, SimulationConfig.Placement.BALANCED),
                    new SiteExpansion(10)))
        .hasMessage(matrix + " has 5 nodes × 10 per site = 50, fewer than the 60 asked for");
  }
}
