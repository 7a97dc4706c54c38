package io.brume.coordinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.brume.testing.Topologies;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VivaldiClientTest {
  private static final VivaldiConfig SERF_3D =
      VivaldiConfig.defaults().toBuilder().dimensions(3).heightMin(1e-5).build();

  private static VivaldiClient client(VivaldiConfig config) {
    return new VivaldiClient(config, new SplittableRandom(1), FakeClock.atEpoch());
  }

  private static Coordinate peer(double... v) {
    return new Coordinate(v, 1.5, 0.0, 1e-5);
  }

  @Test
  void newClient_isAtOrigin() {
    VivaldiClient c = client(SERF_3D);
    assertThat(c.coordinate()).isEqualTo(Coordinate.origin(SERF_3D));
    assertThat(c.stats()).isEqualTo(new VivaldiStats(0, 0, 0));
  }

  @Test
  void applyForce_matchesSerfGoldenValues() {
    // Serf coordinate_test.go TestCoordinate_ApplyForce, with heights.
    VivaldiClient c = client(SERF_3D);
    Coordinate above = new Coordinate(new double[] {0, 0, 2.9}, 1.5, 0, 0);
    c.applyForce(5.3, above);
    assertThat(c.coordinate().vector()).containsExactly(0, 0, -5.3);
    assertThat(c.coordinate().height()).isCloseTo(1e-5 + 5.3 * 1e-5 / 2.9, within(1e-15));

    VivaldiClient d = client(SERF_3D);
    d.applyForce(-5.3, above);
    assertThat(d.coordinate().height()).isEqualTo(1e-5);
  }

  @Test
  void update_movesAwayWhenTooClose() {
    VivaldiClient c = client(SERF_3D);
    c.setCoordinate(new Coordinate(new double[] {10.0, 0, 0}, 1.5, 0, 1e-5));
    Coordinate before = c.coordinate();
    Coordinate after = c.update("p", peer(0, 0, 0), Duration.ofMillis(100));
    assertThat(after.component(0)).isGreaterThan(before.component(0));
    assertThat(c.stats().updates()).isEqualTo(1);
  }

  @Test
  void update_fromSamePosition_separatesInARandomDirection() {
    VivaldiClient c = client(SERF_3D);
    Coordinate after = c.update("p", Coordinate.origin(SERF_3D), 50.0);
    assertThat(Vectors.magnitude(after.vector())).isGreaterThan(1.0);
    assertThat(after.isValid()).isTrue();
  }

  @Test
  void invalidRtt_isRejectedWithReasonAndLeavesStateUnchanged() {
    VivaldiClient c = client(SERF_3D);
    c.update("p", peer(0.01, 0, 0), 20.0);
    Coordinate before = c.coordinate();
    for (double rtt : new double[] {0.0, -0.001, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> c.update("p", peer(0.01, 0, 0), rtt))
          .isInstanceOfSatisfying(
              InvalidSampleException.class,
              e -> assertThat(e.reason()).isEqualTo(InvalidSampleException.Reason.RTT_NOT_POSITIVE))
          .hasMessageContaining("RTT from p must be > 0");
    }
    assertThatThrownBy(() -> c.update("p", peer(0.01, 0, 0), 10_000.001))
        .isInstanceOfSatisfying(
            InvalidSampleException.class,
            e -> assertThat(e.reason()).isEqualTo(InvalidSampleException.Reason.RTT_TOO_LARGE))
        .hasMessageContaining("must be <= 10000.0 ms");
    assertThatThrownBy(() -> c.update("p", peer(0.01, 0, 0), Duration.ofDays(365 * 1000L)))
        .isInstanceOf(InvalidSampleException.class);
    assertThatThrownBy(() -> c.update("p", peer(0.01, 0, 0), Duration.ZERO))
        .isInstanceOf(InvalidSampleException.class);
    assertThatThrownBy(() -> c.update("", peer(0.01, 0, 0), 10.0))
        .isInstanceOfSatisfying(
            InvalidSampleException.class,
            e -> assertThat(e.reason()).isEqualTo(InvalidSampleException.Reason.BAD_NODE_NAME));
    assertThat(c.coordinate()).isEqualTo(before);
    assertThat(c.stats()).isEqualTo(new VivaldiStats(1, 8, 0));
    // Exactly 10 s is accepted.
    c.update("p", peer(0.01, 0, 0), 10_000.0);
  }

  @Test
  void nanDefence_peerCoordinatesWithNaNOrInfinityAreRejected() {
    // Serf TestClient_NaN_Defense (consul#3023): a poisoned peer must not poison us.
    VivaldiClient c = client(SERF_3D);
    c.update("p", peer(0.01, 0, 0), 20.0);
    Coordinate before = c.coordinate();
    Coordinate[] poisoned = {
      peer(Double.NaN, 0, 0),
      peer(0, Double.POSITIVE_INFINITY, 0),
      new Coordinate(new double[] {0, 0, 0}, Double.NaN, 0, 0),
      new Coordinate(new double[] {0, 0, 0}, 1, Double.NEGATIVE_INFINITY, 0),
      new Coordinate(new double[] {0, 0, 0}, 1, 0, Double.NaN),
    };
    for (Coordinate p : poisoned) {
      assertThatThrownBy(() -> c.update("evil", p, 20.0))
          .isInstanceOfSatisfying(
              InvalidSampleException.class,
              e ->
                  assertThat(e.reason())
                      .isEqualTo(InvalidSampleException.Reason.COORDINATE_NOT_FINITE))
          .hasMessageContaining("coordinate of evil has a NaN or infinite field");
    }
    assertThatThrownBy(() -> c.update("evil", peer(0, 0), 20.0))
        .isInstanceOfSatisfying(
            InvalidSampleException.class,
            e -> assertThat(e.reason()).isEqualTo(InvalidSampleException.Reason.DIMENSION_MISMATCH))
        .hasMessage("coordinate of evil has 2 dimensions, expected 3");
    assertThat(c.coordinate()).isEqualTo(before);
    assertThat(c.coordinate().isValid()).isTrue();
    assertThat(c.stats().rejected()).isEqualTo(6);
  }

  @Test
  void nanDefence_extremeButFiniteInputsNeverProduceNaN() {
    VivaldiClient c = client(VivaldiConfig.defaults());
    SplittableRandom r = new SplittableRandom(5);
    double[] huge = new double[8];
    java.util.Arrays.fill(huge, 1e300);
    for (int i = 0; i < 2000; i++) {
      Coordinate p;
      switch (i % 4) {
        case 0 -> p = new Coordinate(huge, 1e300, 1e300, 1e300);
        case 1 -> p = new Coordinate(new double[8], 0, -1e300, 0);
        case 2 -> p = new Coordinate(new double[8], Double.MIN_VALUE, 0, Double.MIN_VALUE);
        default -> p = c.coordinate();
      }
      double rtt = i % 3 == 0 ? Double.MIN_VALUE : r.nextDouble(1e-6, 10_000.0);
      c.update("p" + (i % 5), p, rtt);
      assertThat(c.coordinate().isValid()).as("after update %d", i).isTrue();
    }
    // Overflow to Inf/NaN was caught and reset at least once, and the client is usable again.
    assertThat(c.stats().resets()).isPositive();
  }

  @Test
  void invalidLocalState_resetsCleanly() {
    VivaldiClient c = client(SERF_3D);
    c.setCoordinate(new Coordinate(new double[] {1e308, 1e308, 0}, 1.0, 0, 1e-5));
    c.update("p", peer(-1e308, -1e308, 0), 100.0);
    assertThat(c.coordinate().isValid()).isTrue();
    assertThat(c.stats().resets()).isEqualTo(1);
    assertThat(Vectors.magnitude(c.coordinate().vector())).isLessThan(1000.0);
    assertThatThrownBy(() -> c.setCoordinate(peer(Double.NaN, 0, 0)))
        .isInstanceOf(InvalidSampleException.class);
  }

  @Test
  void reset_returnsToOrigin() {
    VivaldiClient c = client(SERF_3D);
    c.update("p", peer(0.01, 0, 0), 20.0);
    c.reset();
    assertThat(c.coordinate()).isEqualTo(Coordinate.origin(SERF_3D));
  }

  @Test
  void forgetNode_dropsTheLatencyFilter() {
    VivaldiConfig cfg =
        SERF_3D.toBuilder()
            .latencyFilterPercentile(0.0)
            .gravityRho(Double.POSITIVE_INFINITY)
            .adjustmentWindowSize(0)
            .build();
    VivaldiClient a = client(cfg);
    VivaldiClient b = client(cfg);
    Coordinate p = peer(50.0, 0, 0);
    a.update("p", p, 10.0);
    b.update("p", p, 10.0);
    a.forgetNode("p");
    // With the filter dropped, a sees 0.030 as-is; b still reports min(0.010, 30.0).
    assertThat(a.update("p", p, 30.0)).isNotEqualTo(b.update("p", p, 30.0));
  }

  @Test
  void neighbourMemory_averagesTheRememberedSpringsAndForgetsPeersThatLeft() {
    VivaldiConfig cfg =
        SERF_3D.toBuilder().neighbourMemory(2).memoryGain(1.0).adjustmentWindowSize(0).build();
    VivaldiClient c = client(cfg);
    c.setCoordinate(new Coordinate(new double[] {0, 0, 0}, 1.0, 0, 1e-5));
    Coordinate p1 = new Coordinate(new double[] {10, 0, 0}, 1.0, 0, 1e-5);
    Coordinate p2 = new Coordinate(new double[] {-10, 0, 0}, 1.0, 0, 1e-5);
    c.update("p1", p1, 10.0);
    double afterOne = c.coordinate().component(0);
    // p2 pulls toward -x as strongly as p1 pushes toward -x; with both remembered, the springs
    // balance
    // at an RTT equal to the distance.
    Coordinate after = c.update("p2", p2, 10.0 + Math.abs(afterOne));
    assertThat(after.isValid()).isTrue();
    c.forgetNode("p1");
    c.forgetNode("p2");
    Coordinate again = c.update("p1", p1, 5.0);
    // Only p1 is remembered now: the node moves toward it.
    assertThat(again.component(0)).isGreaterThan(after.component(0));
  }

  /** A 3-D client remembering 8 peers, gain 1, no adjustment: the springs alone move it. */
  private static VivaldiConfig memory3d(Duration fastStart) {
    return SERF_3D.toBuilder()
        .neighbourMemory(8)
        .memoryGain(1.0)
        .adjustmentWindowSize(0)
        .fastStart(fastStart)
        .fastStartRecency(Duration.ofSeconds(1))
        .fastStartRecencyGrowth(0.0)
        .fastStartSteps(1)
        .build();
  }

  @Test
  void fastStart_weightsRecentSpringsUntilItEnds() {
    FakeClock clock = FakeClock.atEpoch();
    VivaldiClient fast =
        new VivaldiClient(memory3d(Duration.ofSeconds(60)), new SplittableRandom(1), clock);
    VivaldiClient plain =
        new VivaldiClient(memory3d(Duration.ZERO), new SplittableRandom(1), clock);
    Coordinate origin = new Coordinate(new double[] {0, 0, 0}, 1.0, 0, 1e-5);
    Coordinate atRest = new Coordinate(new double[] {10, 0, 0}, 1.0, 0, 1e-5);
    Coordinate pushing = new Coordinate(new double[] {0, 10, 0}, 1.0, 0, 1e-5);
    for (VivaldiClient c : new VivaldiClient[] {fast, plain}) {
      c.setCoordinate(origin);
      c.update("rest", atRest, 10.0); // a spring already at its rest length: no force
    }
    clock.advance(Duration.ofSeconds(5));
    double fastMove = -fast.update("push", pushing, 20.0).component(1);
    double plainMove = -plain.update("push", pushing, 20.0).component(1);
    // The plain memory averages the fresh spring with the idle one and moves half as far; in the
    // fast start the 5 s old spring weighs exp(-5) and the fresh one moves the node almost fully.
    assertThat(plainMove).isPositive();
    assertThat(fastMove / plainMove).isBetween(1.95, 2.0);

    // Once the fast start is over, the update is exactly the plain one.
    clock.advance(Duration.ofSeconds(60));
    fast.setCoordinate(plain.coordinate());
    assertThat(fast.update("rest", atRest, 12.0)).isEqualTo(plain.update("rest", atRest, 12.0));
  }

  @Test
  void fastStartSteps_repeatTheAveragedStepTowardTheRestLength() {
    FakeClock clock = FakeClock.atEpoch();
    VivaldiConfig one = memory3d(Duration.ofSeconds(60));
    VivaldiClient single = new VivaldiClient(one, new SplittableRandom(1), clock);
    VivaldiClient triple =
        new VivaldiClient(
            one.toBuilder().fastStartSteps(3).build(), new SplittableRandom(1), clock);
    Coordinate p = new Coordinate(new double[] {10, 0, 0}, 1.0, 0, 1e-5);
    for (VivaldiClient c : new VivaldiClient[] {single, triple}) {
      c.setCoordinate(new Coordinate(new double[] {0, 0, 0}, 1.0, 0, 1e-5));
    }
    double gapOne = Math.abs(single.update("p", p, 30.0).estimateRttMillis(p) - 30.0);
    double gapThree = Math.abs(triple.update("p", p, 30.0).estimateRttMillis(p) - 30.0);
    assertThat(gapThree).isLessThan(gapOne).isLessThan(20.0);
  }

  @Test
  void isDeterministicWithSeed() {
    double[][] m = Topologies.random(20, 100.0, 20.0, 9);
    VivaldiClient[] x = Phantom.simulate(m, VivaldiConfig.robust(), 50, 42);
    VivaldiClient[] y = Phantom.simulate(m, VivaldiConfig.robust(), 50, 42);
    VivaldiClient[] z = Phantom.simulate(m, VivaldiConfig.robust(), 50, 43);
    for (int i = 0; i < m.length; i++) {
      assertThat(x[i].coordinate()).isEqualTo(y[i].coordinate());
    }
    assertThat(x[0].coordinate()).isNotEqualTo(z[0].coordinate());
  }

  @Test
  void latencyFilterAge_usesTheInjectedClock() {
    VivaldiConfig cfg =
        SERF_3D.toBuilder()
            .latencyFilterSize(3)
            .latencyFilterPercentile(0.0)
            .latencyFilterMaxAge(Duration.ofSeconds(60))
            .build();
    FakeClock clock = FakeClock.atEpoch();
    VivaldiClient a = new VivaldiClient(cfg, new SplittableRandom(1), clock);
    VivaldiClient b = new VivaldiClient(cfg, new SplittableRandom(1), FakeClock.atEpoch());
    Coordinate p = peer(50.0, 0, 0);
    a.update("p", p, 10.0);
    b.update("p", p, 10.0);
    clock.advance(Duration.ofSeconds(61));
    // a's old sample expired: it uses 0.080; b's min filter still says 0.010.
    assertThat(a.update("p", p, 80.0)).isNotEqualTo(b.update("p", p, 80.0));
  }
}
