package io.brume.coordinate;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.coordinate.SampleGuard.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SampleGuardTest {
  private final FakeClock clock = FakeClock.atEpoch();
  private final SampleGuard guard = new SampleGuard(SampleGuard.Settings.defaults(), clock);
  private final Coordinate local = at(0);

  private static Coordinate at(double x) {
    return new Coordinate(new double[] {x, 0}, 0.1, 0.0, 1.0e-3);
  }

  /** Three honest peers whose claims fit their RTTs within 5 %. */
  private void honestNeighbours() {
    assertThat(guard.judge("h1", local, at(100), 95)).isEqualTo(Verdict.ACCEPTED);
    assertThat(guard.judge("h2", local, at(50), 52)).isEqualTo(Verdict.ACCEPTED);
    assertThat(guard.judge("h3", local, at(20), 21)).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void coldStart_acceptsEverythingWithinBounds() {
    // Nothing to compare with yet: a fresh node at the origin must learn from whatever it hears.
    assertThat(guard.judge("a", local, at(5000), 1.0)).isEqualTo(Verdict.ACCEPTED);
    assertThat(guard.judge("b", local, at(3000), 1.0)).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void claimFarBeyondTheMeasuredRtt_isDiscarded() {
    honestNeighbours();
    assertThat(guard.judge("liar", local, at(1000), 10)).isEqualTo(Verdict.CONTRADICTED);
    // 19 ms for 10 ms is within 8 × the median absolute error (2 ms); closer is always fine.
    assertThat(guard.judge("ok", local, at(19), 10)).isEqualTo(Verdict.ACCEPTED);
    assertThat(guard.judge("close", local, at(1), 10)).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void claimWhoseAdjustmentsCancelTheDistance_isDiscardedWithoutStrikes() {
    // A near peer of a cluster with large negative adjustments: raw 80 ms, adjustments −100 ms,
    // so the estimate falls back to the raw 80 ms for a 10 ms link. Dropped, never distrusted.
    honestNeighbours();
    Coordinate near = new Coordinate(new double[] {80, 0}, 0.1, -100.0, 1.0e-3);
    for (int i = 0; i < 10; i++) {
      assertThat(guard.judge("near", local, near, 10)).isEqualTo(Verdict.CONTRADICTED);
    }
    assertThat(guard.isDistrusted("near")).isFalse();
    assertThat(guard.distrustEvents()).isZero();
    // The same peer's ordinary lies still count.
    for (int i = 0; i < 2; i++) {
      assertThat(guard.judge("near", local, at(1000), 10)).isEqualTo(Verdict.CONTRADICTED);
    }
    assertThat(guard.judge("near", local, at(1000), 10)).isEqualTo(Verdict.NOW_DISTRUSTED);
  }

  @Test
  void shortLinks_getAnAbsoluteTolerance() {
    // Honest peers off by ~10 ms: a 1 ms link whose estimate is 30 ms is within 8 × 10 ms.
    guard.judge("h1", local, at(110), 100);
    guard.judge("h2", local, at(60), 50);
    guard.judge("h3", local, at(30), 40);
    assertThat(guard.judge("lan", local, at(30), 1)).isEqualTo(Verdict.ACCEPTED);
    assertThat(guard.judge("liar", local, at(200), 1)).isEqualTo(Verdict.CONTRADICTED);
  }

  @Test
  void aConvergingNode_toleratesLargeErrors() {
    // Every honest estimate is 3× off (the node just started): T = 8 × 2 = 16.
    guard.judge("h1", local, at(300), 100);
    guard.judge("h2", local, at(150), 50);
    guard.judge("h3", local, at(60), 20);
    assertThat(guard.judge("p", local, at(90), 10)).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void repeatedContradictions_distrustForAWhile_andRepeatOffencesLonger() {
    honestNeighbours();
    assertThat(guard.judge("liar", local, at(1000), 10)).isEqualTo(Verdict.CONTRADICTED);
    assertThat(guard.judge("liar", local, at(10), 10)).isEqualTo(Verdict.ACCEPTED);
    assertThat(guard.judge("liar", local, at(1000), 10)).isEqualTo(Verdict.CONTRADICTED);
    assertThat(guard.judge("liar", local, at(1000), 10)).isEqualTo(Verdict.NOW_DISTRUSTED);
    assertThat(guard.isDistrusted("liar")).isTrue();
    assertThat(guard.distrustedPeers()).isEqualTo(1);
    // Even a plausible sample is dropped while distrusted.
    assertThat(guard.judge("liar", local, at(10), 10)).isEqualTo(Verdict.DISTRUSTED);
    assertThat(guard.plausible("liar", local, at(10))).isFalse();

    clock.advance(Duration.ofSeconds(61));
    assertThat(guard.isDistrusted("liar")).isFalse();
    assertThat(guard.judge("liar", local, at(10), 10)).isEqualTo(Verdict.ACCEPTED);
    for (int i = 0; i < 2; i++) {
      assertThat(guard.judge("liar", local, at(1000), 10)).isEqualTo(Verdict.CONTRADICTED);
    }
    assertThat(guard.judge("liar", local, at(1000), 10)).isEqualTo(Verdict.NOW_DISTRUSTED);
    clock.advance(Duration.ofSeconds(61));
    assertThat(guard.isDistrusted("liar")).as("second offence: 2 minutes").isTrue();
    clock.advance(Duration.ofSeconds(60));
    assertThat(guard.isDistrusted("liar")).isFalse();
    assertThat(guard.distrustEvents()).isEqualTo(2);
  }

  @Test
  void honestPeersKeepTheirTrust_whenOneContradictionIsRare() {
    honestNeighbours();
    for (int i = 0; i < 100; i++) {
      Verdict v = guard.judge("tiv", local, at(i % 10 == 0 ? 100 : 10), 10);
      assertThat(v).isNotIn(Verdict.NOW_DISTRUSTED, Verdict.DISTRUSTED);
    }
  }

  @Test
  void plausible_checksAPingsClaimAgainstTheLastMeasuredRtt() {
    honestNeighbours();
    assertThat(guard.plausible("new", local, at(9000))).as("never measured").isTrue();
    guard.judge("p", local, at(10), 10);
    assertThat(guard.plausible("p", local, at(12))).isTrue();
    assertThat(guard.plausible("p", local, at(9000))).isFalse();
  }
}
