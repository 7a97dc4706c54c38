package io.brume.coordinate;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of a {@link VivaldiClient} and of its probe schedule. All times are in
 * <b>milliseconds</b>, as everywhere in brume; Serf's constants, in seconds, are scaled by 1000
 * (its dimensionless ones are unchanged).
 *
 * <p>References: [1] Dabek, Cox, Kaashoek, Morris, "Vivaldi: A Decentralized Network Coordinate
 * System", SIGCOMM 2004. [2] Ledlie, Gardner, Seltzer, "Network Coordinates in the Wild", NSDI
 * 2007. [3] Lee, Zhang, Sahu, Saha, "On Suitability of Euclidean Embedding for Host-based Network
 * Coordinate Systems", IEEE/ACM ToN 18(1), 2010. [4] Ledlie, Pietzuch, Seltzer, "Stable and
 * Accurate Network Coordinates", ICDCS 2006. [S] hashicorp/serf {@code coordinate/config.go} {@code
 * DefaultConfig()} at commit a24f620.
 *
 * <p>{@link #defaults()} reproduces Serf exactly (the baseline, and the agreed default); {@link
 * #robust()} is brume's tuned configuration, which differs only in the knobs marked "brume" below,
 * measured in {@code docs/bench/vivaldi.md}.
 *
 * @param dimensions Euclidean dimensions, not counting the height. [S]: 8 (briefly 4 "per [2]",
 *     back to 8 after "a survey of the literature as well as some experimental testing").
 * @param errorMax initial and maximum error estimate of a node (dimensionless). [S]: 1.5.
 * @param ce c_e, how fast the error estimate follows a sample's relative error ([1] Fig. 3). [S]:
 *     0.25.
 * @param cc c_c, the adaptive timestep: the fraction of the way a node moves toward a sample's rest
 *     position ([1] §3.4; 0.25 converges fast with little oscillation). [S]: 0.25.
 * @param adjustmentWindowSize samples averaged into the non-Euclidean adjustment term of [3]; 0
 *     disables it. [S]: 20.
 * @param heightMin floor of the height vector, ms ([1] §5.2 height vectors). [S]: 10e-6 s = 0.01
 *     ms.
 * @param latencyFilterSize per-peer RTT samples kept by the moving-percentile latency filter of
 *     [2]/[4]; 1 disables filtering. [S]: 3.
 * @param latencyFilterPercentile percentile of the kept samples used as the RTT, in [0, 1]: index
 *     {@code floor(p·n)} of the sorted window, so 0.5 is Serf's median ({@code sorted[n/2]}). [4]
 *     prefers a low percentile because queueing only ever adds delay.
 * @param latencyFilterMaxAge samples older than this (by the injected clock) leave the filter;
 *     {@link Duration#ZERO} keeps them until pushed out, as Serf does. Neighbour decay in the
 *     spirit of [2].
 * @param gravityRho ρ of the gravity toward the origin that counters drift ([2] §5.4), ms; each
 *     update pulls the node toward the origin by (d/ρ)² with d and ρ in seconds, as Serf, converted
 *     to ms. [S]: 150 s = 150 000 ms.
 * @param maxRelativeDisplacement robust update (brume): one sample moves the node at most this
 *     multiple of the larger of the sample's RTT and the predicted distance, so a single violator
 *     of the triangle inequality cannot throw the node across the space. {@code
 *     Double.POSITIVE_INFINITY} disables it (Serf).
 * @param wrongnessCap robust update (brume): a sample's relative error counts at most this much in
 *     the error estimate, so one outlier does not inflate the node's error (and thus its timestep)
 *     for many rounds. {@code Double.POSITIVE_INFINITY} disables it (Serf).
 * @param nearPeers probe schedule (brume): size of the near set of {@link PeerSelector} ([1] §4: a
 *     mix of near and far neighbours); 0 = uniformly random peers (Serf/memberlist).
 * @param nearProbeFraction probe schedule (brume): probability that a probe goes to a near peer; 0
 *     = Serf.
 * @param neighbourMemory robust update (brume): how many recently probed peers a node remembers
 *     (their last coordinate and filtered RTT); each update then moves the node by the average of
 *     the spring forces of all of them instead of the last sample's alone (the neighbour set of [2]
 *     and Pyxida; [1] §3's force sum over neighbours). 0 = single-sample updates (Serf).
 * @param memoryGain robust update (brume): step of the averaged force, as a multiple of {@code cc};
 *     the average of many springs partly cancels, so a gain above 1 keeps convergence as fast as
 *     single-sample Vivaldi. Ignored when {@code neighbourMemory} is 0.
 * @param fastStart robust update (brume): for this long after a client's first update (by the
 *     injected clock) the neighbour memory is used for a fast start: every spring is weighted by
 *     its recency, exp(−age/τ), and the averaged step is taken {@code fastStartSteps} times per
 *     update. At a (re)start every coordinate moves quickly, so the coordinates remembered even a
 *     minute ago are stale, and the plain average over them stalls convergence. {@link
 *     Duration#ZERO} = off (Serf, and brume before issue 14).
 * @param fastStartRecency τ₀ of the fast start's recency weight: τ = max(τ₀, {@code
 *     fastStartRecencyGrowth} × time since the first update), so the remembered window widens as
 *     the coordinates settle.
 * @param fastStartRecencyGrowth how fast τ grows with the client's age (dimensionless).
 * @param fastStartSteps averaged steps per update during the fast start (distances recomputed
 *     between steps: a few steps of local gradient descent against the remembered neighbours).
 * @param heightShareMin robust update (brume): floor of the share of the averaged force that moves
 *     the height. The share (h_i + h_j)/(‖x_i − x_j‖ + h_i + h_j) makes the height change in
 *     proportion to itself, so a node whose access link needs a large height starts at {@code
 *     heightMin} and gets there only after hundreds of rounds; with a floor, the height follows the
 *     springs' pull like one more dimension (the least-squares gradient is the whole force). 0 =
 *     the share alone (brume before issue 14).
 * @param memoryAdjustmentQuantile adjustment term (brume): when the node keeps meeting peers it
 *     already remembers (a cluster its neighbour memory covers), the adjustment is taken from the
 *     remembered neighbours' current residuals, rtt − (‖x_i − x_j‖ + h_i + h_j), at this quantile,
 *     halved as Serf's, instead of from the mean of the last {@code adjustmentWindowSize} samples.
 *     The two are blended by r², r the share of probes that went to a remembered peer (a moving
 *     average), so a large cluster, whose memory holds a small part of it, keeps Serf's window
 *     mean. A quantile below the median lets the offsets of a small cluster grow (negative) as fast
 *     as its embedding wants them (docs/bench/vivaldi.md, issue 14). That bias is for the start
 *     only: from the client's 1000th update to its 3000th the quantile moves linearly to the
 *     median, where the adjustment settles (kept below it, the offsets grow without bound). 0 = off
 *     (Serf, and brume before); ignored when {@code neighbourMemory} or {@code
 *     adjustmentWindowSize} is 0.
 */
public record VivaldiConfig(
    int dimensions,
    double errorMax,
    double ce,
    double cc,
    int adjustmentWindowSize,
    double heightMin,
    int latencyFilterSize,
    double latencyFilterPercentile,
    Duration latencyFilterMaxAge,
    double gravityRho,
    double maxRelativeDisplacement,
    double wrongnessCap,
    int nearPeers,
    double nearProbeFraction,
    int neighbourMemory,
    double memoryGain,
    Duration fastStart,
    Duration fastStartRecency,
    double fastStartRecencyGrowth,
    int fastStartSteps,
    double heightShareMin,
    double memoryAdjustmentQuantile) {

  /**
   * Largest RTT accepted from a probe, ms (10 s); larger values are measurement errors ([S]
   * client.go).
   */
  public static final double MAX_RTT_MILLIS = 10_000.0;

  /**
   * Below this, distances and RTTs are treated as zero, ms ([S] coordinate.go {@code
   * zeroThreshold}, 1e-6 s).
   */
  static final double ZERO_MILLIS = 1.0e-3;

  /** Floor of the sum of two error estimates (dimensionless; [S] uses its zeroThreshold, 1e-6). */
  static final double ZERO_ERROR = 1.0e-6;

  /** Validates every field; the message names the field and the value. */
  public VivaldiConfig {
    Objects.requireNonNull(latencyFilterMaxAge, "latencyFilterMaxAge");
    Objects.requireNonNull(fastStart, "fastStart");
    Objects.requireNonNull(fastStartRecency, "fastStartRecency");
    check(dimensions >= 1 && dimensions <= 64, "dimensions", dimensions, "in [1, 64]");
    check(errorMax > 0 && Double.isFinite(errorMax), "errorMax", errorMax, "finite and > 0");
    check(ce > 0 && ce <= 1, "ce", ce, "in (0, 1]");
    check(cc > 0 && cc <= 1, "cc", cc, "in (0, 1]");
    check(
        adjustmentWindowSize >= 0 && adjustmentWindowSize <= 10_000,
        "adjustmentWindowSize",
        adjustmentWindowSize,
        "in [0, 10000]");
    check(heightMin >= 0 && Double.isFinite(heightMin), "heightMin", heightMin, "finite and >= 0");
    check(
        latencyFilterSize >= 1 && latencyFilterSize <= 1_000,
        "latencyFilterSize",
        latencyFilterSize,
        "in [1, 1000]");
    check(
        latencyFilterPercentile >= 0 && latencyFilterPercentile <= 1,
        "latencyFilterPercentile",
        latencyFilterPercentile,
        "in [0, 1]");
    check(!latencyFilterMaxAge.isNegative(), "latencyFilterMaxAge", latencyFilterMaxAge, ">= 0");
    check(
        gravityRho > 0 && !Double.isNaN(gravityRho),
        "gravityRho",
        gravityRho,
        "> 0 (may be +Infinity)");
    check(
        maxRelativeDisplacement > 0 && !Double.isNaN(maxRelativeDisplacement),
        "maxRelativeDisplacement",
        maxRelativeDisplacement,
        "> 0 (may be +Infinity)");
    check(
        wrongnessCap > 0 && !Double.isNaN(wrongnessCap),
        "wrongnessCap",
        wrongnessCap,
        "> 0 (may be +Infinity)");
    check(nearPeers >= 0 && nearPeers <= 10_000, "nearPeers", nearPeers, "in [0, 10000]");
    check(
        neighbourMemory >= 0 && neighbourMemory <= 10_000,
        "neighbourMemory",
        neighbourMemory,
        "in [0, 10000]");
    check(memoryGain > 0 && memoryGain <= 10, "memoryGain", memoryGain, "in (0, 10]");
    check(!fastStart.isNegative(), "fastStart", fastStart, ">= 0");
    check(
        fastStartRecency.isPositive() || fastStart.isZero(),
        "fastStartRecency",
        fastStartRecency,
        "> 0 when fastStart is set");
    check(
        fastStartRecencyGrowth >= 0 && fastStartRecencyGrowth <= 100,
        "fastStartRecencyGrowth",
        fastStartRecencyGrowth,
        "in [0, 100]");
    check(
        heightShareMin >= 0 && heightShareMin <= 1, "heightShareMin", heightShareMin, "in [0, 1]");
    check(
        memoryAdjustmentQuantile >= 0 && memoryAdjustmentQuantile <= 1,
        "memoryAdjustmentQuantile",
        memoryAdjustmentQuantile,
        "in [0, 1]");
    check(
        fastStartSteps >= 1 && fastStartSteps <= 100,
        "fastStartSteps",
        fastStartSteps,
        "in [1, 100]");
    check(
        nearProbeFraction >= 0 && nearProbeFraction <= 1,
        "nearProbeFraction",
        nearProbeFraction,
        "in [0, 1]");
  }

  private static void check(boolean ok, String field, Object value, String rule) {
    if (!ok) {
      throw new IllegalArgumentException(
          "VivaldiConfig." + field + " must be " + rule + ", got " + value);
    }
  }

  /**
   * Serf's {@code DefaultConfig()} exactly, in ms, with Serf's uniformly random probe schedule: the
   * baseline every brume change is measured against.
   */
  public static VivaldiConfig defaults() {
    return new VivaldiConfig(
        8,
        1.5,
        0.25,
        0.25,
        20,
        0.01,
        3,
        0.5,
        Duration.ZERO,
        150_000.0,
        Double.POSITIVE_INFINITY,
        Double.POSITIVE_INFINITY,
        0,
        0.0,
        0,
        1.0,
        Duration.ZERO,
        Duration.ofSeconds(8),
        0.25,
        5,
        0.0,
        0.0);
  }

  /**
   * brume's tuned configuration: Serf's constants plus the robustness knobs (latency filter, robust
   * update) and a near/far probe schedule. See {@code docs/bench/vivaldi.md} for the measurements
   * behind each value.
   */
  public static VivaldiConfig robust() {
    return defaults().toBuilder()
        .dimensions(16)
        .latencyFilterSize(4)
        .latencyFilterPercentile(0.25)
        .latencyFilterMaxAge(Duration.ofMinutes(10))
        .nearPeers(16)
        .nearProbeFraction(0.3)
        .neighbourMemory(96)
        .memoryGain(4.0)
        .adjustmentWindowSize(100)
        .memoryAdjustmentQuantile(0.35)
        .heightShareMin(1.0)
        .fastStart(Duration.ofMinutes(5))
        .fastStartRecency(Duration.ofSeconds(8))
        .fastStartRecencyGrowth(0.25)
        .fastStartSteps(5)
        .build();
  }

  /** This configuration with another number of dimensions. */
  public VivaldiConfig withDimensions(int newDimensions) {
    return toBuilder().dimensions(newDimensions).build();
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return defaults().toBuilder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builder for {@link VivaldiConfig}; {@link #build()} validates. */
  public static final class Builder {
    private int dimensions;
    private double errorMax;
    private double ce;
    private double cc;
    private int adjustmentWindowSize;
    private double heightMin;
    private int latencyFilterSize;
    private double latencyFilterPercentile;
    private Duration latencyFilterMaxAge;
    private double gravityRho;
    private double maxRelativeDisplacement;
    private double wrongnessCap;
    private int nearPeers;
    private double nearProbeFraction;
    private int neighbourMemory;
    private double memoryGain;
    private Duration fastStart;
    private Duration fastStartRecency;
    private double fastStartRecencyGrowth;
    private int fastStartSteps;
    private double heightShareMin;
    private double memoryAdjustmentQuantile;

    private Builder(VivaldiConfig c) {
      dimensions = c.dimensions;
      errorMax = c.errorMax;
      ce = c.ce;
      cc = c.cc;
      adjustmentWindowSize = c.adjustmentWindowSize;
      heightMin = c.heightMin;
      latencyFilterSize = c.latencyFilterSize;
      latencyFilterPercentile = c.latencyFilterPercentile;
      latencyFilterMaxAge = c.latencyFilterMaxAge;
      gravityRho = c.gravityRho;
      maxRelativeDisplacement = c.maxRelativeDisplacement;
      wrongnessCap = c.wrongnessCap;
      nearPeers = c.nearPeers;
      nearProbeFraction = c.nearProbeFraction;
      neighbourMemory = c.neighbourMemory;
      memoryGain = c.memoryGain;
      fastStart = c.fastStart;
      fastStartRecency = c.fastStartRecency;
      fastStartRecencyGrowth = c.fastStartRecencyGrowth;
      fastStartSteps = c.fastStartSteps;
      heightShareMin = c.heightShareMin;
      memoryAdjustmentQuantile = c.memoryAdjustmentQuantile;
    }

    public Builder dimensions(int v) {
      dimensions = v;
      return this;
    }

    public Builder errorMax(double v) {
      errorMax = v;
      return this;
    }

    public Builder ce(double v) {
      ce = v;
      return this;
    }

    public Builder cc(double v) {
      cc = v;
      return this;
    }

    public Builder adjustmentWindowSize(int v) {
      adjustmentWindowSize = v;
      return this;
    }

    public Builder heightMin(double v) {
      heightMin = v;
      return this;
    }

    public Builder latencyFilterSize(int v) {
      latencyFilterSize = v;
      return this;
    }

    public Builder latencyFilterPercentile(double v) {
      latencyFilterPercentile = v;
      return this;
    }

    public Builder latencyFilterMaxAge(Duration v) {
      latencyFilterMaxAge = v;
      return this;
    }

    public Builder gravityRho(double v) {
      gravityRho = v;
      return this;
    }

    public Builder maxRelativeDisplacement(double v) {
      maxRelativeDisplacement = v;
      return this;
    }

    public Builder wrongnessCap(double v) {
      wrongnessCap = v;
      return this;
    }

    public Builder nearPeers(int v) {
      nearPeers = v;
      return this;
    }

    public Builder nearProbeFraction(double v) {
      nearProbeFraction = v;
      return this;
    }

    public Builder neighbourMemory(int v) {
      neighbourMemory = v;
      return this;
    }

    public Builder memoryGain(double v) {
      memoryGain = v;
      return this;
    }

    public Builder fastStart(Duration v) {
      fastStart = v;
      return this;
    }

    public Builder fastStartRecency(Duration v) {
      fastStartRecency = v;
      return this;
    }

    public Builder fastStartRecencyGrowth(double v) {
      fastStartRecencyGrowth = v;
      return this;
    }

    public Builder fastStartSteps(int v) {
      fastStartSteps = v;
      return this;
    }

    public Builder heightShareMin(double v) {
      heightShareMin = v;
      return this;
    }

    public Builder memoryAdjustmentQuantile(double v) {
      memoryAdjustmentQuantile = v;
      return this;
    }

    public VivaldiConfig build() {
      return new VivaldiConfig(
          dimensions,
          errorMax,
          ce,
          cc,
          adjustmentWindowSize,
          heightMin,
          latencyFilterSize,
          latencyFilterPercentile,
          latencyFilterMaxAge,
          gravityRho,
          maxRelativeDisplacement,
          wrongnessCap,
          nearPeers,
          nearProbeFraction,
          neighbourMemory,
          memoryGain,
          fastStart,
          fastStartRecency,
          fastStartRecencyGrowth,
          fastStartSteps,
          heightShareMin,
          memoryAdjustmentQuantile);
    }
  }
}
