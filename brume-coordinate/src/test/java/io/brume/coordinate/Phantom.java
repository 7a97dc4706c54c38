package io.brume.coordinate;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Serf's {@code phantom.go} harness over a matrix (see {@link io.brume.testing.Topologies}): run
 * Vivaldi clients against it and measure their error.
 */
final class Phantom {
  private Phantom() {}

  /**
   * Runs {@code cycles} rounds as Serf's {@code Simulate}: every node draws j uniformly from all
   * nodes and, unless j is itself, updates against j.
   */
  static VivaldiClient[] simulate(double[][] m, VivaldiConfig config, int cycles, long seed) {
    int n = m.length;
    SplittableRandom r = new SplittableRandom(seed);
    FakeClock clock = FakeClock.atEpoch();
    VivaldiClient[] clients = new VivaldiClient[n];
    for (int i = 0; i < n; i++) {
      clients[i] = new VivaldiClient(config, r.split(), clock);
    }
    return simulate(m, clients, cycles, r, clock);
  }

  /** One cycle per second of {@code clock} (Serf's LAN probe interval), which the clients share. */
  static VivaldiClient[] simulate(
      double[][] m, VivaldiClient[] clients, int cycles, SplittableRandom r, FakeClock clock) {
    int n = m.length;
    for (int c = 0; c < cycles; c++) {
      clock.advance(Duration.ofSeconds(1));
      for (int i = 0; i < n; i++) {
        int j = r.nextInt(n);
        if (j == i) {
          continue;
        }
        clients[i].update(Integer.toString(j), clients[j].coordinate(), m[i][j]);
      }
    }
    return clients;
  }

  /** {average, max} relative error over all pairs i < j. */
  static double[] errors(double[][] m, VivaldiClient[] clients) {
    double sum = 0;
    double max = 0;
    int count = 0;
    for (int i = 0; i < m.length; i++) {
      for (int j = i + 1; j < m.length; j++) {
        double est = clients[i].coordinate().estimateRttMillis(clients[j].coordinate());
        double e = Math.abs(est - m[i][j]) / m[i][j];
        sum += e;
        max = Math.max(max, e);
        count++;
      }
    }
    return new double[] {sum / count, max};
  }
}
