package io.brume.router;

import io.brume.coordinate.Coordinate;
import io.brume.coordinate.RttMatrix;
import io.brume.coordinate.VivaldiConfig;
import io.brume.coordinate.VivaldiSimulation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Builds a {@link Fog} from an RTT data set, with coordinates from the real Vivaldi library. */
public final class FogDatasets {

  private FogDatasets() {}

  /**
   * Loads the matrix ({@link RttMatrix#load}: whitespace matrix in ms or AWS JSON), draws {@code
   * config.nodes()} nodes with the config's seed, runs {@code config.vivaldiRounds()} rounds of
   * {@link VivaldiSimulation} with brume's {@link VivaldiConfig#defaults()} among them, and builds
   * the fog: routing sees the coordinates' RTT estimates, requests experience the matrix's RTTs.
   *
   * @throws IOException if the file cannot be read or parsed
   * @throws IllegalArgumentException if the data set has fewer nodes than asked or an RTT among
   *     them is missing
   */
  public static Fog load(Path dataset, SimulationConfig config) throws IOException {
    return load(RttMatrix.load(dataset), config);
  }

  /**
   * As {@link #load(Path, SimulationConfig)}, from a matrix already read (e.g. a data set shipped
   * with brume, {@link io.brume.coordinate.RttDatasets}).
   */
  public static Fog load(RttMatrix full, SimulationConfig config) {
    String dataset = full.source();
    if (full.size() < config.nodes()) {
      throw new IllegalArgumentException(
          dataset
              + " has "
              + full.size()
              + " nodes, fewer than the "
              + config.nodes()
              + " asked for");
    }
    RttMatrix matrix = full.subset(sample(full.size(), config.nodes(), config.seed()));
    int n = matrix.size();
    double[][] trueRtt = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        trueRtt[i][j] = i == j ? 0 : matrix.rttMillis(i, j);
        if (Double.isNaN(trueRtt[i][j])) {
          throw new IllegalArgumentException(
              dataset
                  + ": RTT between "
                  + matrix.name(i)
                  + " and "
                  + matrix.name(j)
                  + " is missing");
        }
      }
    }
    Coordinate[] coordinates =
        VivaldiSimulation.converge(
            matrix, VivaldiConfig.defaults(), config.vivaldiRounds(), config.seed());
    double[][] estimated = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        estimated[i][j] = coordinates[i].estimateRttMillis(coordinates[j]);
      }
    }
    return Fog.build(trueRtt, estimated, config);
  }

  /** {@code count} distinct indices in [0, size), seeded (partial Fisher–Yates), sorted. */
  static int[] sample(int size, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] all = new int[size];
    for (int i = 0; i < size; i++) {
      all[i] = i;
    }
    for (int i = 0; i < count; i++) {
      int j = i + random.nextInt(size - i);
      int tmp = all[i];
      all[i] = all[j];
      all[j] = tmp;
    }
    int[] chosen = java.util.Arrays.copyOf(all, count);
    java.util.Arrays.sort(chosen);
    return chosen;
  }
}
