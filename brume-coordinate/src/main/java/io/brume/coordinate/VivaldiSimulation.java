package io.brume.coordinate;

import java.time.Instant;
import java.time.InstantSource;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

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
      @Nullable RoundObserver observer) {
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
      @Nullable RoundObserver observer,
      SampleGuard.@Nullable Settings guard) {
    int n = matrix.size();
    SimulatedClock clock = new SimulatedClock();
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    VivaldiClient[] clients = new VivaldiClient[n];
    GuardedVivaldi[] guarded = new GuardedVivaldi[n];
    Coordinate[] coords = new Coordinate[n];
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      clients[i] = new VivaldiClient(config, random.split(), clock);
      coords[i] = clients[i].coordinate();
      if (guard != null) {
        guarded[i] = new GuardedVivaldi(clients[i], new SampleGuard(guard, clock));
      }
      names[i] = Integer.toString(i);
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

  private static final class SimulatedClock implements InstantSource {
    long seconds;

    @Override
    public Instant instant() {
      return Instant.ofEpochSecond(seconds);
    }
  }
}
