package io.brume.coordinate;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.testing.Topologies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VivaldiEvaluationTest {
  @TempDir Path dir;

  static RttMatrix grid(int side, double spacing) {
    double[][] m = Topologies.grid(side, spacing);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < m.length; i++) {
      names.add("n" + i);
    }
    return RttMatrix.of(names, m);
  }

  @Test
  void embeddableTopology_isLearnedAlmostExactly() {
    RttMatrix m = grid(5, 10.0);
    for (VivaldiConfig c : new VivaldiConfig[] {VivaldiConfig.defaults(), VivaldiConfig.robust()}) {
      EvaluationResult r = VivaldiEvaluation.evaluate(m, c, 500, 1, 0.0);
      assertThat(r.nodes()).isEqualTo(25);
      assertThat(r.pairs()).isEqualTo(300);
      assertThat(r.medianRelativeError()).isLessThan(0.02);
      assertThat(r.nearestOf5Accuracy()).isGreaterThan(0.9);
      assertThat(r.roundsTo1_2xFinalMedian()).isBetween(1, 500);
      assertThat(r.isFinite()).isTrue();
    }
  }

  @Test
  void horizons_areTheFixedListBelowTheLengthThenTheLength() {
    assertThat(VivaldiEvaluation.horizons(1000)).containsExactly(10, 20, 50, 100, 200, 500, 1000);
    assertThat(VivaldiEvaluation.horizons(300)).containsExactly(10, 20, 50, 100, 200, 300);
    assertThat(VivaldiEvaluation.horizons(10)).containsExactly(10);
    assertThat(VivaldiEvaluation.horizons(3)).containsExactly(3);
  }

  @Test
  void curve_endsWithTheFinalResultAndImproves() {
    RttMatrix m = grid(5, 10.0);
    EvaluationResult r = VivaldiEvaluation.evaluate(m, VivaldiConfig.robust(), 300, 1, 0.0);
    assertThat(r.curve()).extracting(Checkpoint::rounds).containsExactly(10, 20, 50, 100, 200, 300);
    Checkpoint last = r.curve().get(r.curve().size() - 1);
    assertThat(last.medianRelativeError()).isEqualTo(r.medianRelativeError());
    assertThat(last.p90RelativeError()).isEqualTo(r.p90RelativeError());
    assertThat(last.nearestOf5Accuracy()).isEqualTo(r.nearestOf5Accuracy());
    assertThat(last.medianRelativeError()).isLessThan(r.curve().get(0).medianRelativeError());
    assertThat(r.toJson()).doesNotContain("curve");
    assertThat(r.toJsonWithCurve())
        .startsWith(r.toJson().substring(0, r.toJson().length() - 1))
        .contains("\"curve\":[{\"rounds\":10,")
        .endsWith("}]}");
  }

  @Test
  void isDeterministicWithSeed() {
    RttMatrix m = grid(4, 10.0);
    VivaldiConfig c = VivaldiConfig.robust();
    assertThat(VivaldiEvaluation.evaluate(m, c, 100, 7, 0.2))
        .isEqualTo(VivaldiEvaluation.evaluate(m, c, 100, 7, 0.2));
    Coordinate[] a = VivaldiSimulation.converge(m, c, 50, 3);
    Coordinate[] b = VivaldiSimulation.converge(m, c, 50, 3);
    assertThat(a).containsExactly(b);
  }

  @Test
  void hostileMatrix_neverDivergesOrProducesNaN() {
    // Noisy, TIV-heavy, asymmetric, with missing (zero) entries, 0.05 ms to 9 s.
    int n = 40;
    SplittableRandom r = new SplittableRandom(11);
    double[][] raw = new double[n][n];
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add("h" + i);
      for (int j = 0; j < n; j++) {
        double u = r.nextDouble();
        raw[i][j] = u < 0.1 ? 0 : Math.exp(r.nextDouble(Math.log(0.05), Math.log(9000)));
      }
    }
    RttMatrix m = RttMatrix.of(names, raw);
    for (VivaldiConfig c : new VivaldiConfig[] {VivaldiConfig.defaults(), VivaldiConfig.robust()}) {
      EvaluationResult res = VivaldiEvaluation.evaluate(m, c, 300, 1, 1.0);
      assertThat(res.isFinite()).isTrue();
      for (Coordinate x : VivaldiSimulation.converge(m, c, 300, 1)) {
        assertThat(x.isValid()).isTrue();
        assertThat(x.estimateRttMillis(x)).isLessThan(1e5);
      }
    }
  }

  @Test
  void percentile_isNearestRank() {
    assertThat(VivaldiEvaluation.percentile(new double[] {5, 1, 4, 2, 3}, 0.5)).isEqualTo(3);
    assertThat(VivaldiEvaluation.percentile(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9))
        .isEqualTo(9);
    assertThat(VivaldiEvaluation.percentile(new double[0], 0.5)).isNaN();
  }

  @Test
  void nearestTrials_pickDistinctKnownCandidates() {
    RttMatrix m = grid(3, 10.0);
    int[][] trials = VivaldiEvaluation.nearestTrials(m, 5, 200, 1);
    assertThat(trials).hasNumberOfRows(200);
    for (int[] t : trials) {
      assertThat(t).hasSize(6).doesNotHaveDuplicates();
    }
  }

  @Test
  void replayFile_hasAllSections() throws IOException {
    RttMatrix m = grid(3, 10.0);
    VivaldiConfig c = VivaldiConfig.defaults();
    Path f = dir.resolve("replay.txt");
    ReplayFile.write(f, m, ProbeSchedule.generate(m, c, 4, 1, 0.0), 1);
    List<String> lines = Files.readAllLines(f);
    assertThat(lines.get(0)).isEqualTo("brume-vivaldi-replay 1");
    assertThat(lines.get(1)).isEqualTo("nodes 9 rounds 4");
    assertThat(lines).contains("rtt", "schedule", "tracked 36", "trials 10000 5");
    assertThat(lines.get(3 + 9 + 1).split(" ")).hasSize(18);
  }

  /** The targets on the real data sets shipped with brume ({@link RttDatasets}). */
  @Test
  void aws32_meetsTheTarget() throws IOException {
    RttMatrix m = RttDatasets.load("aws32");
    assertThat(m.size()).isEqualTo(32);
    EvaluationResult robust = VivaldiEvaluation.evaluate(m, VivaldiConfig.robust(), 1000, 1, 0.0);
    EvaluationResult serf = VivaldiEvaluation.evaluate(m, VivaldiConfig.defaults(), 1000, 1, 0.0);
    assertThat(serf.medianRelativeError()).isBetween(0.05, 0.075); // the numpy reference: 0.062
    assertThat(robust.medianRelativeError()).isLessThanOrEqualTo(AWS32_MEDIAN_BUDGET);
    // Issue 14: the same median after only 200 rounds, and no worse p90 at 1000 rounds than before
    // the fast start (0.123). Measured with seed 1: 0.045 at 200 rounds, 0.027 / 0.100 at 1000.
    assertThat(at(robust, 200).medianRelativeError()).isLessThanOrEqualTo(AWS32_MEDIAN_BUDGET);
    assertThat(robust.p90RelativeError()).isLessThanOrEqualTo(0.123);
    assertBeatsSerfEarly(robust, serf);
  }

  /**
   * Issue 14: at 50, 100, 200 and 1000 rounds brume's median is at most 0.9 times Serf's (Serf's
   * configuration and schedule, which brume reproduces: docs/bench/vivaldi.md).
   */
  static void assertBeatsSerfEarly(EvaluationResult robust, EvaluationResult serf) {
    for (int h : new int[] {50, 100, 200, 1000}) {
      assertThat(at(robust, h).medianRelativeError())
          .as("median after %d rounds", h)
          .isLessThanOrEqualTo(0.9 * at(serf, h).medianRelativeError());
    }
  }

  static Checkpoint at(EvaluationResult r, int rounds) {
    return r.curve().stream().filter(c -> c.rounds() == rounds).findFirst().orElseThrow();
  }

  /**
   * The target for AWS32 after 200 rounds (robust reaches 0.045 with seed 1, 0.027 after
   * 1000; Serf's configuration 0.078 and 0.062).
   */
  static final double AWS32_MEDIAN_BUDGET = 0.05;

  @Test
  void planetLab490_robustMeetsTheTargets() throws IOException {
    RttMatrix m = RttDatasets.load("planetlab490");
    assertThat(m.size()).isEqualTo(490);
    EvaluationResult robust = VivaldiEvaluation.evaluate(m, VivaldiConfig.robust(), 1000, 1, 0.0);
    // Measured: median 0.0712, p90 0.306, nearest-of-5 0.836 (Serf's configuration: 0.081 / 0.39 /
    // 0.81).
    assertThat(robust.medianRelativeError()).isLessThanOrEqualTo(0.075);
    assertThat(robust.p90RelativeError()).isLessThanOrEqualTo(0.35);
    assertThat(robust.nearestOf5Accuracy()).isGreaterThanOrEqualTo(0.80);
    assertThat(robust.isFinite()).isTrue();
    // Issue 14: the same targets after only 200 rounds (median <= 0.07), and ahead of Serf early.
    Checkpoint early = at(robust, 200);
    assertThat(early.medianRelativeError()).isLessThanOrEqualTo(0.07);
    assertThat(early.p90RelativeError()).isLessThanOrEqualTo(0.35);
    assertThat(early.nearestOf5Accuracy()).isGreaterThanOrEqualTo(0.80);
    assertBeatsSerfEarly(
        robust, VivaldiEvaluation.evaluate(m, VivaldiConfig.defaults(), 1000, 1, 0.0));
  }
}
