package io.brume.coordinate;

import java.time.Duration;
import java.util.SplittableRandom;

/** Synthetic RTT matrices (milliseconds) in the spirit of Serf's {@code phantom.go}, for tests. */
final class Topologies {
  private Topologies() {}

  static double[][] line(int nodes, double spacing) {
    double[][] m = new double[nodes][nodes];
    for (int i = 0; i < nodes; i++) {
      for (int j = 0; j < nodes; j++) {
        m[i][j] = Math.abs(i - j) * spacing;
      }
    }
    return m;
  }

  static double[][] grid(int side, double spacing) {
    int n = side * side;
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double dx = (i % side - j % side) * spacing;
        double dy = (i / side - j / side) * spacing;
        m[i][j] = Math.hypot(dx, dy);
      }
    }
    return m;
  }

  static double[][] split(int nodes, double lan, double wan) {
    double[][] m = new double[nodes][nodes];
    int half = nodes / 2;
    for (int i = 0; i < nodes; i++) {
      for (int j = 0; j < nodes; j++) {
        if (i != j) {
          m[i][j] = (i < half) == (j < half) ? lan : wan;
        }
      }
    }
    return m;
  }

  static double[][] random(int nodes, double mean, double deviation, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] m = new double[nodes][nodes];
    for (int i = 0; i < nodes; i++) {
      for (int j = i + 1; j < nodes; j++) {
        double v = Math.max(0.1, mean + deviation * r.nextGaussian());
        m[i][j] = v;
        m[j][i] = v;
      }
    }
    return m;
  }

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
