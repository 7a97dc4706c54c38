package io.brume.coordinate;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Simulates a whole cluster of {@link VivaldiClient}s on an {@link RttMatrix}: in each round every
 * node applies the probe its {@link ProbeSchedule} gives, against the peer's coordinate at that
 * moment (nodes update in index order, as Serf's {@code Simulate}). Deterministic for a given seed.
 * The simulated clock advances one second per round.
 */
public final class VivaldiSimulation {
  private VivaldiSimulation() {}

  /** Receives the coordinates after each round (the array is reused: copy what you keep). */
  @FunctionalInterface
  public interface RoundObserver {
    void afterRound(int round, Coordinate[] coordinates);
  }

  /**
   * Runs {@code rounds} rounds on a schedule generated from {@code config} and {@code seed} without
   * jitter and returns every node's final coordinate, in matrix order.
   */
  public static Coordinate[] converge(
      RttMatrix matrix, VivaldiConfig config, int rounds, long seed) {
    return run(
        matrix, config, ProbeSchedule.generate(matrix, config, rounds, seed, 0.0), seed, null);
  }

  /**
   * Replays {@code schedule}; {@code observer} (may be null) sees the coordinates after every
   * round.
   *
   * @return every node's final coordinate, in matrix order
   */
  public static Coordinate[] run(
      RttMatrix matrix,
      VivaldiConfig config,
      ProbeSchedule schedule,
      long seed,
      RoundObserver observer) {
    return run(matrix, config, schedule, seed, observer, null);
  }

  /**
   * Replays {@code schedule} as {@link #run(RttMatrix, VivaldiConfig, ProbeSchedule, long,
   * RoundObserver)}, with every node's samples going through a {@link SampleGuard} with {@code
   * guard} settings (as the agent does) unless {@code guard} is null.
   */
  public static Coordinate[] run(
      RttMatrix matrix,
      VivaldiConfig config,
      ProbeSchedule schedule,
      long seed,
      RoundObserver observer,
      SampleGuard.Settings guard) {
    int n = matrix.size();
    SimulatedClock clock = new SimulatedClock();
    VivaldiClient[] clients = clients(n, config, seed, clock);
    GuardedVivaldi[] guarded = new GuardedVivaldi[n];
    Coordinate[] coords = coordinates(clients);
    String[] names = names(n);
    for (int i = 0; i < n; i++) {
      if (guard != null) {
        guarded[i] = new GuardedVivaldi(clients[i], new SampleGuard(guard, clock));
      }
    }
    for (int r = 0; r < schedule.rounds(); r++) {
      clock.seconds = r;
      int[] peers = schedule.peer()[r];
      double[] rtts = schedule.rttMillis()[r];
      for (int i = 0; i < n; i++) {
        int j = peers[i];
        if (j >= 0) {
          if (guard == null) {
            coords[i] = clients[i].update(names[j], coords[j], rtts[i]);
          } else {
            guarded[i].update(names[j], coords[j], rtts[i]);
            coords[i] = clients[i].coordinate();
          }
        }
      }
      if (observer != null) {
        observer.afterRound(r, coords);
      }
    }
    return coords.clone();
  }

  /**
   * As {@link #converge}, but in each round every node probes at once: node i's probe answers with
   * its peer's coordinate as it was at the start of the round (a Jacobi round, where {@link #run}
   * is Gauss–Seidel in index order). Real probes are concurrent, so a reply can carry a coordinate
   * up to one round old either way; what this changes is only which of the peer's last two
   * coordinates a probe sees. In exchange the nodes of a round are independent and are updated on
   * {@code threads} threads (each node has its own random source, split in index order as in {@link
   * #run}), and the result is the same for any number of threads.
   *
   * @param threads worker threads, ≥ 1
   * @return every node's final coordinate, in matrix order
   */
  public static Coordinate[] convergeConcurrently(
      RttMatrix matrix, VivaldiConfig config, int rounds, long seed, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    ProbeSchedule schedule = ProbeSchedule.generate(matrix, config, rounds, seed, 0.0);
    int n = matrix.size();
    SimulatedClock clock = new SimulatedClock();
    VivaldiClient[] clients = clients(n, config, seed, clock);
    Coordinate[] coords = coordinates(clients);
    String[] names = names(n);
    int chunks = Math.min(n, threads * 8); // a few chunks per thread even out uneven nodes
    try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
      for (int r = 0; r < schedule.rounds(); r++) {
        clock.seconds = r;
        int[] peers = schedule.peer()[r];
        double[] rtts = schedule.rttMillis()[r];
        Coordinate[] before = coords.clone();
        List<Future<?>> parts = new ArrayList<>(chunks);
        for (int c = 0; c < chunks; c++) {
          int from = (int) ((long) n * c / chunks);
          int to = (int) ((long) n * (c + 1) / chunks);
          parts.add(
              executor.submit(
                  () -> {
                    for (int i = from; i < to; i++) {
                      int j = peers[i];
                      if (j >= 0) {
                        coords[i] = clients[i].update(names[j], before[j], rtts[i]);
                      }
                    }
                  }));
        }
        for (Future<?> part : parts) {
          join(part);
        }
      }
    }
    return coords.clone();
  }

  /** One client per node at the origin, each with its own random source split in index order. */
  private static VivaldiClient[] clients(
      int n, VivaldiConfig config, long seed, SimulatedClock clock) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    VivaldiClient[] clients = new VivaldiClient[n];
    for (int i = 0; i < n; i++) {
      clients[i] = new VivaldiClient(config, random.split(), clock);
    }
    return clients;
  }

  private static Coordinate[] coordinates(VivaldiClient[] clients) {
    Coordinate[] coords = new Coordinate[clients.length];
    for (int i = 0; i < clients.length; i++) {
      coords[i] = clients[i].coordinate();
    }
    return coords;
  }

  /** Node i's name is "i". */
  private static String[] names(int n) {
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = Integer.toString(i);
    }
    return names;
  }

  private static void join(Future<?> part) {
    try {
      part.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Vivaldi simulation interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("Vivaldi simulation failed", e.getCause());
    }
  }

  private static final class SimulatedClock implements InstantSource {
    long seconds;

    @Override
    public Instant instant() {
      return Instant.ofEpochSecond(seconds);
    }
  }
}
