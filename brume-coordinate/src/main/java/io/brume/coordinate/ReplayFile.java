package io.brume.coordinate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes everything another implementation needs to replay an evaluation exactly: the symmetrised
 * matrix, the probe schedule, the tracked pairs and the nearest-of-k trials. The Go harness in
 * {@code bench/vivaldi} reads it and drives Serf's own {@code coordinate} package through the same
 * probes.
 *
 * <p>Format (text, whitespace-separated tokens, version 1):
 *
 * <pre>
 * brume-vivaldi-replay 1
 * nodes N rounds R
 * rtt            then N rows of N numbers in ms (NaN = missing)
 * schedule       then R rows of N "peer rtt" pairs (peer −1 = no probe)
 * tracked K      then K rows "i j"
 * trials T k     then T rows "source c1 … ck"
 * </pre>
 */
public final class ReplayFile {
  private ReplayFile() {}

  /**
   * Writes the replay of {@code schedule} on {@code matrix} with the evaluation's trials for {@code
   * seed}.
   */
  public static void write(Path file, RttMatrix matrix, ProbeSchedule schedule, long seed)
      throws IOException {
    int n = matrix.size();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("brume-vivaldi-replay 1\n");
      w.write("nodes " + n + " rounds " + schedule.rounds() + "\n");
      w.write("rtt\n");
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < n; i++) {
        line.setLength(0);
        for (int j = 0; j < n; j++) {
          line.append(j == 0 ? "" : " ").append(matrix.rttMillis(i, j));
        }
        w.write(line.append('\n').toString());
      }
      w.write("schedule\n");
      for (int r = 0; r < schedule.rounds(); r++) {
        line.setLength(0);
        for (int i = 0; i < n; i++) {
          line.append(i == 0 ? "" : " ")
              .append(schedule.peer()[r][i])
              .append(' ')
              .append(schedule.rttMillis()[r][i]);
        }
        w.write(line.append('\n').toString());
      }
      int[][] tracked = VivaldiEvaluation.trackedPairs(matrix);
      w.write("tracked " + tracked[0].length + "\n");
      for (int k = 0; k < tracked[0].length; k++) {
        w.write(tracked[0][k] + " " + tracked[1][k] + "\n");
      }
      int[][] trials =
          VivaldiEvaluation.nearestTrials(
              matrix, VivaldiEvaluation.NEAREST_K, VivaldiEvaluation.NEAREST_TRIALS, seed);
      w.write("trials " + trials.length + " " + VivaldiEvaluation.NEAREST_K + "\n");
      for (int[] t : trials) {
        line.setLength(0);
        for (int c = 0; c < t.length; c++) {
          line.append(c == 0 ? "" : " ").append(t[c]);
        }
        w.write(line.append('\n').toString());
      }
    }
  }
}
