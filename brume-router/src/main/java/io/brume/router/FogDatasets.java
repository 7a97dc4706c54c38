package io.brume.router;

import io.brume.coordinate.Coordinate;
import io.brume.coordinate.RttMatrix;
import io.brume.coordinate.VivaldiConfig;
import io.brume.coordinate.VivaldiSimulation;
import io.brume.router.placement.PlacementPlanner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Builds a {@link Fog} from an RTT data set, with coordinates from the real Vivaldi library. */
public final class FogDatasets {

  private FogDatasets() {}

  /** {@link #load(Path, SimulationConfig, SiteExpansion)} without expansion. */
  public static Fog load(Path dataset, SimulationConfig config) throws IOException {
    return load(dataset, config, SiteExpansion.none());
  }

  /**
   * Loads the matrix ({@link RttMatrix#load}: whitespace matrix in ms or AWS JSON), expands it into
   * sites ({@link SiteExpansion}), draws {@code config.nodes()} fog nodes with the config's seed,
   * runs {@code config.vivaldiRounds()} rounds of {@link VivaldiSimulation} with the configuration
   * production uses, {@link VivaldiConfig#robust()}, among them (concurrent rounds, {@link
   * VivaldiSimulation#convergeConcurrently}, on every processor: the same coordinates for any
   * number of them), and builds the fog: routing sees the coordinates' RTT estimates, requests
   * experience the (expanded) matrix's RTTs. The fog computes both on demand; only the Vivaldi
   * simulation holds an N×N matrix while it runs.
   *
   * @throws IOException if the file cannot be read or parsed
   * @throws IllegalArgumentException if the expanded data set has fewer nodes than asked or an RTT
   *     among them is missing
   */
  public static Fog load(Path dataset, SimulationConfig config, SiteExpansion expansion)
      throws IOException {
    return load(RttMatrix.load(dataset), config, expansion);
  }

  /** {@link #load(RttMatrix, SimulationConfig, SiteExpansion)} without expansion. */
  public static Fog load(RttMatrix full, SimulationConfig config) {
    return load(full, config, SiteExpansion.none());
  }

  /**
   * As {@link #load(Path, SimulationConfig, SiteExpansion)}, from a matrix already read (e.g. a
   * data set shipped with brume, {@link io.brume.coordinate.RttDatasets}).
   */
  public static Fog load(RttMatrix full, SimulationConfig config, SiteExpansion expansion) {
    String dataset = full.source();
    SiteExpansion.Expanded expanded = expansion.of(full, config.seed());
    if (expanded.size() < config.nodes()) {
      throw new IllegalArgumentException(
          dataset
              + " has "
              + full.size()
              + " nodes"
              + (expansion.nodesPerSite() > 1
                  ? " × " + expansion.nodesPerSite() + " per site = " + expanded.size()
                  : "")
              + ", fewer than the "
              + config.nodes()
              + " asked for");
    }
    int[] chosen = sample(expanded.size(), config.nodes(), config.seed());
    int n = chosen.length;
    Coordinate[] coordinates =
        VivaldiSimulation.convergeConcurrently(
            vivaldiMatrix(dataset, expanded, chosen),
            VivaldiConfig.robust(),
            config.vivaldiRounds(),
            config.seed(),
            Runtime.getRuntime().availableProcessors());
    return Fog.build(
        n,
        (i, j) -> expanded.rttMillis(chosen[i], chosen[j]),
        (i, j) -> coordinates[i].estimateRttMillis(coordinates[j]),
        config);
  }

  /** The chosen fog nodes' RTTs as the matrix the Vivaldi simulation probes. */
  private static RttMatrix vivaldiMatrix(
      String dataset, SiteExpansion.Expanded expanded, int[] chosen) {
    int n = chosen.length;
    List<String> names = new ArrayList<>(n);
    double[][] rtt = new double[n][n];
    for (int i = 0; i < n; i++) {
      names.add(expanded.name(chosen[i]));
      for (int j = 0; j < n; j++) {
        rtt[i][j] = i == j ? 0 : expanded.rttMillis(chosen[i], chosen[j]);
        if (Double.isNaN(rtt[i][j])) {
          throw new IllegalArgumentException(
              dataset
                  + ": RTT between "
                  + expanded.name(chosen[i])
                  + " and "
                  + expanded.name(chosen[j])
                  + " is missing");
        }
      }
    }
    return RttMatrix.of(names, rtt);
  }

  /** {@code count} distinct indices in [0, size), seeded (partial Fisher–Yates), sorted. */
  public static int[] sample(int size, int count, long seed) {
    return PlacementPlanner.sortedSample(size, count, new SplittableRandom(seed));
  }
}
