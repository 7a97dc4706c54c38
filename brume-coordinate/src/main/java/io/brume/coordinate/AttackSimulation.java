package io.brume.coordinate;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Lying peers in a simulated cluster: every node runs the real {@link VivaldiClient} (behind a
 * {@link GuardedVivaldi} when defended) on an {@link RttMatrix} and a {@link ProbeSchedule}, one
 * round per simulated second. {@code liars} nodes answer probes honestly before and after the
 * attack, and with a lie during it. Reports the median relative error over the honest pairs before,
 * during and after, and how long the honest nodes take to recover. Deterministic for a seed.
 */
public final class AttackSimulation {
  /**
   * How much farther than the RTT an {@link Lie#INFLATE} liar claims to be: just inside the default
   * tolerance of {@link SampleGuard} (1 + 0.9 T).
   */
  static final double INFLATION = 1.0 + 0.9 * SampleGuard.Settings.defaults().minThreshold();

  private AttackSimulation() {}

  /** What a liar claims in its pong while it attacks. */
  public enum Lie {
    /** The finite coordinate [1e6, 0, …] with a tiny error, as in issue 15. */
    FAR,
    /**
     * A fresh random vector per answer (each component uniform in ±1000 ms, error 0.01): the
     * "disorder" attack of Kaafar et al.
     */
    RANDOM,
    /**
     * Just inside the defence's default tolerance: a point {@link #INFLATION} × the RTT away from
     * the victim, in the liar's true direction (error 0.01), pushing the victim away on every
     * sample ("repulsion").
     */
    INFLATE
  }

  /**
   * One attack.
   *
   * @param liars how many nodes lie (chosen by the seed)
   * @param lie what they claim
   * @param roundsBefore honest rounds before the attack (the cluster converges)
   * @param roundsDuring rounds of the attack
   * @param roundsAfter honest rounds after it
   * @param guard the defence's settings, or null for none
   * @param seed seed of the schedule, the liars and the lies
   */
  public record Scenario(
      int liars,
      Lie lie,
      int roundsBefore,
      int roundsDuring,
      int roundsAfter,
      SampleGuard.@Nullable Settings guard,
      long seed) {
    /**
     * Validates. Written out rather than compact: javac does not carry the type annotation of
     * {@code guard} to a compact constructor's parameter, and callers pass null for no guard.
     */
    public Scenario(
        int liars,
        Lie lie,
        int roundsBefore,
        int roundsDuring,
        int roundsAfter,
        SampleGuard.@Nullable Settings guard,
        long seed) {
      Objects.requireNonNull(lie, "lie");
      if (liars < 0 || roundsBefore < 1 || roundsDuring < 0 || roundsAfter < 1) {
        throw new IllegalArgumentException(
            "need liars >= 0, roundsBefore >= 1, roundsDuring >= 0, roundsAfter >= 1");
      }
      this.liars = liars;
      this.lie = lie;
      this.roundsBefore = roundsBefore;
      this.roundsDuring = roundsDuring;
      this.roundsAfter = roundsAfter;
      this.guard = guard;
      this.seed = seed;
    }
  }

  /**
   * The outcome; errors are medians over the honest pairs of |predicted − measured| / measured.
   *
   * @param before at the last round before the attack
   * @param duringEnd at the last round of the attack
   * @param duringMax the worst round of the attack
   * @param afterEnd at the last round
   * @param roundsToRecover rounds after the attack until the error is back within 1.2 × {@code
   *     before} (or ≤ {@code before} + 0.01), −1 if never
   * @param maxNormMillis the largest vector norm of an honest node during the attack, ms
   * @param resets honest nodes' coordinate resets (a non-finite state)
   * @param distrustEvents times an honest node distrusted a peer
   * @param honestDistrusted of those, times the distrusted peer was honest
   */
  public record Outcome(
      double before,
      double duringEnd,
      double duringMax,
      double afterEnd,
      int roundsToRecover,
      double maxNormMillis,
      long resets,
      long distrustEvents,
      long honestDistrusted) {

    /** One JSON object. */
    public String toJson() {
      return String.format(
          Locale.ROOT,
          "{\"before\":%.6f,\"during_end\":%.6f,\"during_max\":%.6f,\"after_end\":%.6f,"
              + "\"rounds_to_recover\":%d,\"max_norm_ms\":%.3f,\"resets\":%d,"
              + "\"distrust_events\":%d,\"honest_distrusted\":%d}",
          before,
          duringEnd,
          duringMax,
          afterEnd,
          roundsToRecover,
          maxNormMillis,
          resets,
          distrustEvents,
          honestDistrusted);
    }
  }

  /** Runs {@code scenario} on {@code matrix} with {@code config}. */
  public static Outcome run(RttMatrix matrix, VivaldiConfig config, Scenario scenario) {
    int n = matrix.size();
    if (scenario.liars() >= n) {
      throw new IllegalArgumentException(
          "liars must be fewer than the " + n + " nodes, got " + scenario.liars());
    }
    int start = scenario.roundsBefore();
    int end = start + scenario.roundsDuring();
    int rounds = end + scenario.roundsAfter();
    ProbeSchedule schedule = ProbeSchedule.generate(matrix, config, rounds, scenario.seed(), 0.0);
    SplittableRandom random = new SplittableRandom(scenario.seed() ^ 0x5DEECE66DL);
    SplittableRandom lies = new SplittableRandom(scenario.seed() * 17 + 3);
    boolean[] liar = chooseLiars(n, scenario.liars(), new SplittableRandom(scenario.seed() + 99));
    Clock clock = new Clock();
    VivaldiClient[] clients = new VivaldiClient[n];
    GuardedVivaldi[] guarded = new GuardedVivaldi[n];
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      clients[i] = new VivaldiClient(config, random.split(), clock);
      names[i] = Integer.toString(i);
      if (scenario.guard() != null && !liar[i]) {
        guarded[i] = new GuardedVivaldi(clients[i], new SampleGuard(scenario.guard(), clock));
      }
    }
    int[][] pairs = honestPairs(matrix, liar);
    double[] scratch = new double[pairs[0].length];
    Coordinate[] coords = new Coordinate[n];
    double before = Double.NaN;
    double duringEnd = Double.NaN;
    double duringMax = 0.0;
    double maxNorm = 0.0;
    int recovered = -1;
    double last = Double.NaN;
    for (int r = 0; r < rounds; r++) {
      clock.seconds = r;
      boolean attack = r >= start && r < end;
      for (int i = 0; i < n; i++) {
        coords[i] = clients[i].coordinate();
      }
      for (int i = 0; i < n; i++) {
        int j = schedule.peer()[r][i];
        if (j < 0) {
          continue;
        }
        double rtt = schedule.rttMillis()[r][i];
        Coordinate claimed =
            attack && liar[j] && !liar[i]
                ? lie(scenario.lie(), coords[i], coords[j], rtt, lies)
                : clients[j].coordinate();
        try {
          if (guarded[i] != null) {
            guarded[i].update(names[j], claimed, rtt);
          } else {
            clients[i].update(names[j], claimed, rtt);
          }
        } catch (InvalidSampleException refused) {
          // counted by the client or the guard; the coordinate did not move
        }
      }
      for (int k = 0; k < scratch.length; k++) {
        int i = pairs[0][k];
        int j = pairs[1][k];
        Coordinate ci = clients[i].coordinate();
        scratch[k] =
            VivaldiEvaluation.relativeError(
                matrix.rttMillis(i, j), ci.estimateRttMillis(clients[j].coordinate()));
      }
      last = VivaldiEvaluation.percentile(scratch, 0.5);
      if (r == start - 1) {
        before = last;
      }
      if (attack) {
        duringMax = Math.max(duringMax, last);
        duringEnd = last;
        for (int i = 0; i < n; i++) {
          if (!liar[i]) {
            maxNorm = Math.max(maxNorm, Vectors.magnitude(clients[i].coordinate().vector()));
          }
        }
      }
      if (r >= end && recovered < 0 && (last <= 1.2 * before || last <= before + 0.01)) {
        recovered = r - end + 1;
      }
    }
    long resets = 0;
    long distrust = 0;
    long honestDistrusted = 0;
    for (int i = 0; i < n; i++) {
      if (liar[i]) {
        continue;
      }
      resets += clients[i].resets();
      if (guarded[i] != null) {
        distrust += guarded[i].stats().distrustEvents();
      }
    }
    honestDistrusted = countHonestDistrusted(guarded, liar, names);
    return new Outcome(
        before,
        scenario.roundsDuring() == 0 ? before : duringEnd,
        duringMax,
        last,
        recovered,
        maxNorm,
        resets,
        distrust,
        honestDistrusted);
  }

  private static long countHonestDistrusted(
      GuardedVivaldi[] guarded, boolean[] liar, String[] names) {
    long count = 0;
    for (int i = 0; i < guarded.length; i++) {
      if (guarded[i] == null) {
        continue;
      }
      for (int j = 0; j < guarded.length; j++) {
        if (j != i && !liar[j] && guarded[i].isDistrusted(names[j])) {
          count++;
        }
      }
    }
    return count;
  }

  /** The claim of a liar whose true coordinate is {@code truth} to {@code victim}. */
  static Coordinate lie(
      Lie lie, Coordinate victim, Coordinate truth, double rtt, SplittableRandom random) {
    int d = truth.dimensions();
    double[] v = new double[d];
    switch (lie) {
      case FAR -> v[0] = 1.0e6;
      case RANDOM -> {
        for (int k = 0; k < d; k++) {
          v[k] = random.nextDouble(-1000.0, 1000.0);
        }
      }
      case INFLATE -> {
        double[] from = victim.vector();
        double[] dir = new double[d];
        Vectors.unitVectorAt(truth.vector(), from, dir, random);
        double reach = INFLATION * rtt - victim.height() - truth.height();
        for (int k = 0; k < d; k++) {
          v[k] = from[k] + dir[k] * Math.max(reach, 0.0);
        }
        return new Coordinate(v, 0.01, 0.0, truth.height());
      }
    }
    return new Coordinate(v, 0.01, 0.0, 1.0e-3);
  }

  private static boolean[] chooseLiars(int n, int k, SplittableRandom random) {
    boolean[] liar = new boolean[n];
    int chosen = 0;
    while (chosen < k) {
      int i = random.nextInt(n);
      if (!liar[i]) {
        liar[i] = true;
        chosen++;
      }
    }
    return liar;
  }

  /** Tracked pairs (as {@code vivaldi eval}) whose two nodes are honest. */
  private static int[][] honestPairs(RttMatrix matrix, boolean[] liar) {
    int[][] tracked = VivaldiEvaluation.trackedPairs(matrix);
    List<int[]> kept = new ArrayList<>();
    for (int k = 0; k < tracked[0].length; k++) {
      if (!liar[tracked[0][k]] && !liar[tracked[1][k]]) {
        kept.add(new int[] {tracked[0][k], tracked[1][k]});
      }
    }
    int[][] out = new int[2][kept.size()];
    for (int k = 0; k < kept.size(); k++) {
      out[0][k] = kept.get(k)[0];
      out[1][k] = kept.get(k)[1];
    }
    return out;
  }

  private static final class Clock implements InstantSource {
    long seconds;

    @Override
    public Instant instant() {
      return Instant.ofEpochSecond(seconds);
    }
  }
}
