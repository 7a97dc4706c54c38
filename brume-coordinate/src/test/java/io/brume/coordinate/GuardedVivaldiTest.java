package io.brume.coordinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.testing.Topologies;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 2, reproduced on the client: a peer answering with the finite coordinate [1e6, 0,
 * …] 17 times dragged the plain client ~766,000 ms away; 1e150 made it reset.
 */
class GuardedVivaldiTest {
  private static final VivaldiConfig CONFIG = VivaldiConfig.robust();

  /** An 8-node AWS-like cluster converged for 300 rounds; node 0 is the victim, node 7 lies. */
  private static final double[][] RTT = Topologies.random(8, 100, 30, 7);

  private static Coordinate far(double x) {
    double[] v = new double[CONFIG.dimensions()];
    v[0] = x;
    return new Coordinate(v, 0.01, 0.0, 1.0e-3);
  }

  private static VivaldiClient[] converged() {
    return Phantom.simulate(RTT, CONFIG, 300, 1);
  }

  private static double norm(Coordinate c) {
    return Vectors.magnitude(c.vector());
  }

  @Test
  void plainClient_isDraggedByTheIssuesLie() {
    VivaldiClient[] nodes = converged();
    for (int i = 0; i < 17; i++) {
      nodes[0].update("7", far(1.0e6), RTT[0][7]);
    }
    assertThat(norm(nodes[0].coordinate()))
        .as("the damage the guard prevents")
        .isGreaterThan(1.0e5);
  }

  @Test
  void guardedClient_refusesTheIssuesLies_andStaysPut() {
    VivaldiClient[] nodes = converged();
    FakeClock clock = FakeClock.atEpoch();
    GuardedVivaldi victim =
        new GuardedVivaldi(nodes[0], new SampleGuard(SampleGuard.Settings.defaults(), clock));
    for (int j = 1; j < 7; j++) { // the guard learns how well the honest peers fit
      victim.update(Integer.toString(j), nodes[j].coordinate(), RTT[0][j]);
    }
    Coordinate before = victim.coordinate();
    for (double lie : new double[] {1.0e6, 1.0e150}) {
      for (int i = 0; i < 17; i++) {
        assertThatThrownBy(() -> victim.update("7", far(lie), RTT[0][7]))
            .isInstanceOf(InvalidSampleException.class)
            .hasMessageContaining("impossible");
      }
    }
    assertThat(victim.isDistrusted("7")).as("impossible values count as contradictions").isTrue();
    // After the quarantine, a lie within the hard bounds (60 s away) contradicts the measured RTT.
    clock.advance(Duration.ofSeconds(61));
    for (int i = 0; i < 17; i++) {
      victim.update("7", far(6.0e4), RTT[0][7]);
    }
    assertThat(victim.isDistrusted("7")).isTrue();
    assertThat(victim.coordinate()).isEqualTo(before);
    assertThat(victim.client().resets()).isZero();
    GuardedVivaldi.GuardStats stats = victim.stats();
    assertThat(stats.implausible()).isEqualTo(34);
    assertThat(stats.contradicted()).isEqualTo(3);
    assertThat(stats.distrustedDrops()).isEqualTo(14);
    assertThat(stats.distrustEvents()).isEqualTo(2);
    assertThat(stats.distrustedPeers()).isEqualTo(1);
  }

  @Test
  void impossibleValues_areRefusedWithAReason() {
    GuardedVivaldi g =
        new GuardedVivaldi(
            new VivaldiClient(CONFIG, new SplittableRandom(1), FakeClock.atEpoch()),
            new SampleGuard(SampleGuard.Settings.defaults(), FakeClock.atEpoch()));
    double[] zero = new double[CONFIG.dimensions()];
    Coordinate[] impossible = {
      new Coordinate(zero, 0.1, 0.0, -1.0e6), // height −1e6 made the RTT 0
      new Coordinate(zero, -1.0e300, 0.0, 1.0), // error −1e300 was stored
      new Coordinate(zero, 0.1, 1.0e308, 1.0),
      new Coordinate(zero, 1.0e9, 0.0, 1.0),
      far(1.0e308),
    };
    for (Coordinate c : impossible) {
      assertThatThrownBy(() -> g.update("p", c, 10.0))
          .isInstanceOfSatisfying(
              InvalidSampleException.class,
              e ->
                  assertThat(e.reason())
                      .isEqualTo(InvalidSampleException.Reason.COORDINATE_IMPLAUSIBLE));
      assertThat(g.plausible("p", c)).isFalse();
    }
    assertThatThrownBy(() -> g.update("p", far(1), -1.0))
        .isInstanceOfSatisfying(
            InvalidSampleException.class,
            e -> assertThat(e.reason()).isEqualTo(InvalidSampleException.Reason.RTT_NOT_POSITIVE));
    assertThat(g.coordinate()).isEqualTo(Coordinate.origin(CONFIG));
  }
}
