package io.brume.coordinate;

import static org.assertj.core.api.Assertions.assertThat;

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
  }

  /**
   * The target for AWS32 (robust reaches 0.047 with seed 1; Serf's configuration 0.062).
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
  }
}
