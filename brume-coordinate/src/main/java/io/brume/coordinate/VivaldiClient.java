package io.brume.coordinate;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * One node's Vivaldi state: its coordinate, per-peer latency filters and adjustment samples. Each
 * {@link #update} is one probe result: filter the RTT, move the coordinate (adaptive timestep,
 * height vectors), update the adjustment term and apply gravity, in that order, as Serf's {@code
 * Client.Update}.
 *
 * <p>Pure and deterministic: the random source (used only to separate co-located nodes) and the
 * clock (used only to age latency-filter samples) are injected; no I/O. Thread-safe: all methods
 * are {@code synchronized}, and the random source is only used under the lock.
 *
 * <p>Defensive: every sample is checked and refused with an {@link InvalidSampleException} before
 * it can touch the state (RTT ≤ 0, > 10 s, NaN or infinite; peer coordinate with NaN/Inf or other
 * dimensions), and if the local state ever becomes invalid anyway it is reset to the origin and
 * counted ({@link VivaldiStats#resets()}), so NaN can never spread to peers (Serf serf#468 after
 * consul#3023).
 */
public final class VivaldiClient {
  /**
   * Gain of the moving average of "the probed peer was already in the neighbour memory" (about the
   * last 5 probes count): it tells a cluster the memory covers from one it only samples.
   */
  private static final double REVISIT_GAIN = 0.2;

  /** Updates after which the memory adjustment's quantile starts moving to the median. */
  private static final long QUANTILE_SETTLE_START = 1_000;

  /** Updates after which the memory adjustment follows the median. */
  private static final long QUANTILE_SETTLE_END = 3_000;

  private final VivaldiConfig config;
  private final RandomGenerator random;
  private final InstantSource clock;
  private final Coordinate origin;
  private final Map<String, LatencyFilter> filters = new HashMap<>();
  private final @Nullable NeighbourMemory neighbours; // null without neighbour memory
  private final double[] adjustmentSamples;
  private final double[] unit;
  private final double[] delta; // scratch of the averaged update
  private final double[] recency; // scratch: each remembered neighbour's recency weight

  private double[] vector;
  private double error;
  private double adjustment;
  private double height;
  private int adjustmentIndex;
  private long firstUpdateNanos;
  private double revisitRate;
  private boolean started;
  private long updatesSinceStart; // since the first update or the last reset()
  private long updates;
  private long rejected;
  private long resets;

  /**
   * A client at the origin whose latency-filter samples never age (the system clock is never read
   * unless {@link VivaldiConfig#latencyFilterMaxAge()} is set).
   *
   * @param config tuning
   * @param random random source, used to pick a direction when two nodes share a position
   */
  public VivaldiClient(VivaldiConfig config, RandomGenerator random) {
    this(config, random, InstantSource.system());
  }

  /**
   * A client at the origin.
   *
   * @param config tuning
   * @param random random source, used to pick a direction when two nodes share a position
   * @param clock time source, used to age latency-filter samples
   */
  public VivaldiClient(VivaldiConfig config, RandomGenerator random, InstantSource clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.random = Objects.requireNonNull(random, "random");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.origin = Coordinate.origin(config);
    this.adjustmentSamples = new double[config.adjustmentWindowSize()];
    this.unit = new double[config.dimensions()];
    this.delta = new double[config.dimensions()];
    this.neighbours =
        config.neighbourMemory() > 0
            ? new NeighbourMemory(config.neighbourMemory(), config.dimensions())
            : null;
    this.recency = new double[config.neighbourMemory()];
    resetState();
  }

  /** The configuration. */
  public VivaldiConfig config() {
    return config;
  }

  /** A snapshot of this node's coordinate. */
  public synchronized Coordinate coordinate() {
    return new Coordinate(vector, error, adjustment, height);
  }

  /**
   * Replaces this node's coordinate, e.g. with one persisted before a restart. Must be valid and of
   * this configuration's dimensionality; the error is capped at {@code errorMax}.
   *
   * @throws InvalidSampleException if the coordinate is invalid
   */
  public synchronized void setCoordinate(Coordinate coordinate) {
    checkCoordinate("local", coordinate);
    vector = coordinate.vector();
    error = Math.min(Math.max(coordinate.error(), 0.0), config.errorMax());
    adjustment = coordinate.adjustment();
    height = Math.max(coordinate.height(), config.heightMin());
  }

  /** How many times the local coordinate became invalid and was reset to the origin. */
  public synchronized long resets() {
    return resets;
  }

  /** Counters; see {@link VivaldiStats}. */
  public synchronized VivaldiStats stats() {
    return new VivaldiStats(updates, rejected, resets);
  }

  /** Drops the latency filter of a peer that left. */
  public synchronized void forgetNode(String node) {
    filters.remove(node);
    if (neighbours != null) {
      neighbours.forget(node);
    }
  }

  /**
   * Resets to the origin, forgetting all filters and adjustment samples (not counted as a reset).
   */
  public synchronized void reset() {
    resetState();
    started = false;
    updatesSinceStart = 0;
    revisitRate = 0.0;
    filters.clear();
    if (neighbours != null) {
      neighbours.clear();
    }
  }

  /** Predicted RTT from this node to {@code other}, ms. */
  public synchronized double estimateRttMillis(Coordinate other) {
    return distance(other);
  }

  /**
   * Applies one probe result: {@code node} answered with coordinate {@code other} after {@code
   * rtt}.
   *
   * @return this node's new coordinate
   * @throws InvalidSampleException if the sample is refused (the state is unchanged and the refusal
   *     counted)
   */
  public Coordinate update(String node, Coordinate other, Duration rtt) {
    Objects.requireNonNull(rtt, "rtt");
    double millis;
    try {
      millis = rtt.toNanos() / 1.0e6;
    } catch (ArithmeticException overflow) {
      millis = Double.POSITIVE_INFINITY;
    }
    return update(node, other, millis);
  }

  /**
   * Applies one probe result with the RTT in milliseconds; see {@link #update(String, Coordinate,
   * Duration)}.
   *
   * @throws InvalidSampleException if the sample is refused
   */
  public synchronized Coordinate update(String node, Coordinate other, double rttMillis) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(other, "other");
    try {
      if (node.isEmpty()) {
        throw new InvalidSampleException(
            InvalidSampleException.Reason.BAD_NODE_NAME, "peer name is empty");
      }
      checkCoordinate(node, other);
      if (!(rttMillis > 0.0) || Double.isInfinite(rttMillis)) {
        throw new InvalidSampleException(
            InvalidSampleException.Reason.RTT_NOT_POSITIVE,
            "RTT from " + node + " must be > 0 and finite, got " + rttMillis + " ms");
      }
      if (rttMillis > VivaldiConfig.MAX_RTT_MILLIS) {
        throw new InvalidSampleException(
            InvalidSampleException.Reason.RTT_TOO_LARGE,
            "RTT from "
                + node
                + " must be <= "
                + VivaldiConfig.MAX_RTT_MILLIS
                + " ms, got "
                + rttMillis
                + " ms");
      }
    } catch (InvalidSampleException e) {
      rejected++;
      throw e;
    }
    long now = needsClock() ? clockNanos() : 0L;
    if (!started) {
      started = true;
      firstUpdateNanos = now;
    }
    double filtered = latencyFilter(node, rttMillis, now);
    updateVivaldi(node, other, filtered, now);
    updateAdjustment(other, filtered);
    updateGravity();
    if (!isStateValid()) {
      resets++;
      resetState();
    }
    updates++;
    updatesSinceStart++;
    return coordinate();
  }

  private void checkCoordinate(String node, Coordinate c) {
    if (c.dimensions() != config.dimensions()) {
      throw new InvalidSampleException(
          InvalidSampleException.Reason.DIMENSION_MISMATCH,
          "coordinate of "
              + node
              + " has "
              + c.dimensions()
              + " dimensions, expected "
              + config.dimensions());
    }
    if (!c.isValid()) {
      throw new InvalidSampleException(
          InvalidSampleException.Reason.COORDINATE_NOT_FINITE,
          "coordinate of " + node + " has a NaN or infinite field: " + c);
    }
  }

  /** The clock is read only when samples age or the fast start is on. */
  private boolean needsClock() {
    return config.latencyFilterMaxAge().isPositive() || isFastStartConfigured();
  }

  private boolean isFastStartConfigured() {
    return config.neighbourMemory() > 0 && config.fastStart().isPositive();
  }

  private double latencyFilter(String node, double rtt, long now) {
    if (config.latencyFilterSize() == 1) {
      return rtt;
    }
    LatencyFilter f = filters.get(node);
    if (f == null) {
      f = new LatencyFilter(config.latencyFilterSize());
      filters.put(node, f);
    }
    long maxAge = config.latencyFilterMaxAge().toNanos();
    return f.add(rtt, maxAge > 0 ? now : 0L, maxAge, config.latencyFilterPercentile());
  }

  private long clockNanos() {
    var i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  /** This node's predicted RTT to {@code other}, ms: {@link Coordinate}'s one formula. */
  private double distance(Coordinate other) {
    return Coordinate.estimateRttMillis(vector, height, adjustment, other);
  }

  private void updateVivaldi(String node, Coordinate other, double rttMillis, long now) {
    double dist = distance(other);
    double rtt = Math.max(rttMillis, VivaldiConfig.ZERO_MILLIS);
    double wrongness = Math.min(Math.abs(dist - rtt) / rtt, config.wrongnessCap());
    double errorBefore = error;
    double weight = weight(errorBefore, other);
    error = config.ce() * weight * wrongness + error * (1.0 - config.ce() * weight);
    if (error > config.errorMax()) {
      error = config.errorMax();
    }
    if (config.neighbourMemory() > 0) {
      remember(node, other, rtt, now);
      double tau = fastStartRecencyNanos(now);
      int steps = tau > 0 ? config.fastStartSteps() : 1;
      double weights = recencyWeights(now, tau);
      for (int step = 0; step < steps; step++) {
        applyMemoryForces(errorBefore, weights);
      }
    } else {
      applyForce(force(weight, rtt, dist), other);
    }
  }

  /** w = e_i / (e_i + e_j) ([1] Fig. 3), floored as Serf does. */
  private static double weight(double localError, Coordinate other) {
    return localError / Math.max(localError + other.error(), VivaldiConfig.ZERO_ERROR);
  }

  /** c_c·w·(rtt − dist), bounded by the robust-update limit. */
  private double force(double weight, double rtt, double dist) {
    double force = config.cc() * weight * (rtt - dist);
    double limit = config.maxRelativeDisplacement() * Math.max(rtt, dist);
    return Math.max(-limit, Math.min(limit, force));
  }

  /**
   * τ of the fast start's recency weight, ns, or 0 once the fast start is over (or when it is off).
   */
  private double fastStartRecencyNanos(long now) {
    if (!isFastStartConfigured()) {
      return 0.0;
    }
    long age = now - firstUpdateNanos;
    if (age >= config.fastStart().toNanos()) {
      return 0.0;
    }
    return Math.max(
        (double) config.fastStartRecency().toNanos(), config.fastStartRecencyGrowth() * age);
  }

  /** The neighbour memory, for the code paths that run only when the configuration has one. */
  private NeighbourMemory memory() {
    return Objects.requireNonNull(neighbours, "called only with neighbour memory configured");
  }

  private void remember(String node, Coordinate other, double rtt, long now) {
    NeighbourMemory neighbours = memory();
    long maxAge = config.latencyFilterMaxAge().toNanos();
    double revisit = neighbours.contains(node) ? 1.0 : 0.0;
    revisitRate += REVISIT_GAIN * (revisit - revisitRate);
    neighbours.remember(node, other, rtt, now);
    if (maxAge > 0) {
      neighbours.expire(now, maxAge);
    }
  }

  /**
   * Fills {@link #recency} with each remembered neighbour's weight exp(−age/τ) (1 without {@code
   * recencyTau}), in the memory's order, and returns their sum. They do not change between the fast
   * start's repeated steps of one update, so they are computed once per update.
   */
  private double recencyWeights(long now, double recencyTau) {
    NeighbourMemory neighbours = memory();
    double weights = 0.0;
    int k = 0;
    for (int s = neighbours.first(); s >= 0; s = neighbours.after(s)) {
      double r =
          recencyTau > 0 ? Math.exp(-Math.max(0L, now - neighbours.nanos(s)) / recencyTau) : 1.0;
      recency[k++] = r;
      weights += r;
    }
    return weights;
  }

  /**
   * Moves by {@code memoryGain} times the average of the spring forces of every remembered
   * neighbour (its last coordinate and filtered RTT), each computed as a single-sample update
   * would. Averaging over a neighbour set removes most of the sample-to-sample noise of
   * single-sample Vivaldi, so its fixed point is closer to the least-squares embedding (see
   * docs/bench/vivaldi.md).
   *
   * <p>During the fast start each spring is weighted by its {@link #recencyWeights recency},
   * exp(−age/τ), and the step is the weighted average ({@code weights} is the sum of the weights):
   * right after a (re)start everyone moves fast, and a coordinate remembered a minute ago pulls
   * toward where that peer no longer is.
   *
   * <p>The distance to a neighbour and the unit vector toward it share one difference vector and
   * one norm (the same arithmetic as {@link Vectors#distance} and {@link Vectors#unitVectorAt}, in
   * the same order).
   */
  private void applyMemoryForces(double errorBefore, double weights) {
    NeighbourMemory neighbours = memory();
    int dims = vector.length;
    java.util.Arrays.fill(delta, 0.0);
    double heightDelta = 0.0;
    double[] vectors = neighbours.vectors();
    int k = 0;
    for (int s = neighbours.first(); s >= 0; s = neighbours.after(s)) {
      int offset = neighbours.vectorOffset(s);
      double sum = 0.0;
      for (int i = 0; i < dims; i++) {
        double d = vector[i] - vectors[offset + i];
        unit[i] = d;
        sum += d * d;
      }
      double mag = Math.sqrt(sum);
      double otherHeight = neighbours.height(s);
      double dist =
          Coordinate.estimateFromRaw(
              mag + height + otherHeight, adjustment + neighbours.adjustment(s));
      double weight =
          errorBefore / Math.max(errorBefore + neighbours.error(s), VivaldiConfig.ZERO_ERROR);
      double force = recency[k++] * force(weight, neighbours.rtt(s), dist);
      if (mag > VivaldiConfig.ZERO_MILLIS) {
        for (int i = 0; i < dims; i++) {
          delta[i] += unit[i] / mag * force;
        }
      } else {
        mag = unitVectorAt(vectors, offset);
        for (int i = 0; i < dims; i++) {
          delta[i] += unit[i] * force;
        }
      }
      // The heights' share of the predicted distance moves with the force. Serf's
      // (h_i + h_j)/‖x_i − x_j‖ is unbounded for nearly co-located vectors and zero for exactly
      // co-located ones, which, once averaging has removed the single-sample noise, leaves LAN
      // clusters stuck with too much height. The floor (heightShareMin) lets a small height grow
      // as fast as a coordinate instead of in proportion to itself.
      double heights = height + otherHeight;
      double share = heights / Math.max(mag + heights, VivaldiConfig.ZERO_MILLIS);
      heightDelta += force * Math.max(share, config.heightShareMin());
    }
    double scale = config.memoryGain() / weights;
    for (int i = 0; i < dims; i++) {
      vector[i] += delta[i] * scale;
    }
    height = Math.max(height + heightDelta * scale, config.heightMin());
  }

  /** {@link Vectors#unitVectorAt} toward this node from the neighbour vector at {@code offset}. */
  private double unitVectorAt(double[] vectors, int offset) {
    double[] other = java.util.Arrays.copyOfRange(vectors, offset, offset + vector.length);
    return Vectors.unitVectorAt(vector, other, unit, random);
  }

  /**
   * Moves the vector by {@code force} along the unit vector from {@code other}, and the height with
   * it (Serf).
   */
  void applyForce(double force, Coordinate other) {
    double[] otherVector = other.vector();
    double mag = Vectors.unitVectorAt(vector, otherVector, unit, random);
    for (int i = 0; i < vector.length; i++) {
      vector[i] += unit[i] * force;
    }
    if (mag > VivaldiConfig.ZERO_MILLIS) {
      height = (height + other.height()) * force / mag + height;
      height = Math.max(height, config.heightMin());
    }
  }

  private void updateAdjustment(Coordinate other, double rttMillis) {
    if (adjustmentSamples.length == 0) {
      return;
    }
    adjustmentSamples[adjustmentIndex] =
        rttMillis - Coordinate.rawDistanceMillis(vector, height, other);
    adjustmentIndex = (adjustmentIndex + 1) % adjustmentSamples.length;
    double sum = 0.0;
    for (double s : adjustmentSamples) {
      sum += s;
    }
    adjustment = sum / (2.0 * adjustmentSamples.length);
    double q = memoryQuantileNow();
    if (q > 0.0 && neighbours != null && neighbours.size() > 0) {
      double share = revisitRate * revisitRate;
      adjustment = (1.0 - share) * adjustment + share * memoryResidualQuantile(q) / 2.0;
    }
  }

  /**
   * The quantile of the memory's residuals the adjustment follows now: {@code
   * memoryAdjustmentQuantile} for the first {@link #QUANTILE_SETTLE_START} updates (since the start
   * or the last {@link #reset}), then moving linearly to the median by {@link
   * #QUANTILE_SETTLE_END}. Below the median the adjustment is biased low against the springs, which
   * fit the median: it converges fast, but the bias never ends, and the height and the vectors keep
   * growing to make up for it while the adjustment keeps falling (AWS32: −700 ms adjustments,
   * median error 0.12 after 40 000 rounds). At the median the adjustment settles
   * (docs/bench/vivaldi.md, long horizon).
   */
  private double memoryQuantileNow() {
    double q = config.memoryAdjustmentQuantile();
    if (q == 0.0 || updatesSinceStart <= QUANTILE_SETTLE_START) {
      return q;
    }
    double progress =
        Math.min(
            1.0,
            (updatesSinceStart - QUANTILE_SETTLE_START)
                / (double) (QUANTILE_SETTLE_END - QUANTILE_SETTLE_START));
    return q + (0.5 - q) * progress;
  }

  /**
   * The {@code q} quantile of rtt − raw distance over the remembered neighbours, with this node's
   * current coordinate: unlike the window's samples, none of it is stale.
   */
  private double memoryResidualQuantile(double q) {
    NeighbourMemory neighbours = memory();
    double[] residuals = new double[neighbours.size()];
    double[] vectors = neighbours.vectors();
    int k = 0;
    for (int s = neighbours.first(); s >= 0; s = neighbours.after(s)) {
      int offset = neighbours.vectorOffset(s);
      double sum = 0.0;
      for (int i = 0; i < vector.length; i++) {
        double d = vector[i] - vectors[offset + i];
        sum += d * d;
      }
      residuals[k++] = neighbours.rtt(s) - (Math.sqrt(sum) + height + neighbours.height(s));
    }
    Arrays.sort(residuals);
    return residuals[(int) ((residuals.length - 1) * q)];
  }

  private void updateGravity() {
    // Serf: force = -(dist/rho)^2 seconds, dist and rho in seconds. In ms the ratio is the same and
    // the force is scaled by 1000.
    double dist = origin.estimateRttMillis(coordinate());
    double force = -1000.0 * Math.pow(dist / config.gravityRho(), 2.0);
    applyForce(force, origin);
  }

  private boolean isStateValid() {
    for (double v : vector) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return Double.isFinite(error) && Double.isFinite(adjustment) && Double.isFinite(height);
  }

  private void resetState() {
    vector = new double[config.dimensions()];
    error = config.errorMax();
    adjustment = 0.0;
    height = config.heightMin();
    adjustmentIndex = 0;
    Arrays.fill(adjustmentSamples, 0.0);
  }
}
