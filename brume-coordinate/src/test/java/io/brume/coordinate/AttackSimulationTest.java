package io.brume.coordinate;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.coordinate.AttackSimulation.Lie;
import io.brume.coordinate.AttackSimulation.Outcome;
import io.brume.coordinate.AttackSimulation.Scenario;
import io.brume.testing.Topologies;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 15 item 2: damage bounded while a minority lies, recovery within seconds after. */
class AttackSimulationTest {
  private static final VivaldiConfig CONFIG = VivaldiConfig.robust();

  /** 24 nodes on a 6 × 4 grid with 10 ms spacing plus 5 ms access links. */
  private static RttMatrix grid() {
    double[][] m = Topologies.grid(6, 10);
    int n = 24;
    double[][] rtt = new double[n][n];
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add("n" + i);
      for (int j = 0; j < n; j++) {
        rtt[i][j] = i == j ? 0 : m[i][j] + 5;
      }
    }
    return RttMatrix.of(names, rtt);
  }

  private static Outcome run(Lie lie, int liars, boolean defended) {
    return AttackSimulation.run(
        grid(),
        CONFIG,
        new Scenario(
            liars, lie, 300, 120, 120, defended ? SampleGuard.Settings.defaults() : null, 3));
  }

  @Test
  void issuesLie_withoutDefence_wrecksTheMap_withDefence_changesNothing() {
    Outcome off = run(Lie.FAR, 3, false);
    Outcome on = run(Lie.FAR, 3, true);
    assertThat(off.duringMax()).isGreaterThan(10.0);
    assertThat(off.maxNormMillis()).isGreaterThan(1.0e5);
    assertThat(on.duringMax()).isLessThan(1.5 * on.before() + 0.02);
    assertThat(on.maxNormMillis()).isLessThan(1000);
    assertThat(on.resets()).isZero();
  }

  @Test
  void randomLies_areBounded_andRecoveredFromWithinSeconds() {
    Outcome off = run(Lie.RANDOM, 3, false);
    Outcome on = run(Lie.RANDOM, 3, true);
    assertThat(on.duringMax()).isLessThan(off.duringMax() / 4);
    assertThat(on.duringMax()).isLessThan(2 * on.before() + 0.02);
    assertThat(on.roundsToRecover()).isBetween(0, 10);
    assertThat(on.honestDistrusted()).isZero();
    assertThat(on.distrustEvents()).isPositive();
  }

  @Test
  void liesWithinTheTolerance_doBoundedDamage() {
    Outcome on = run(Lie.INFLATE, 3, true);
    assertThat(on.duringMax()).isLessThan(0.5);
    assertThat(on.roundsToRecover()).isBetween(0, 120);
  }

  @Test
  void deterministic() {
    assertThat(run(Lie.RANDOM, 2, true)).isEqualTo(run(Lie.RANDOM, 2, true));
  }
}
