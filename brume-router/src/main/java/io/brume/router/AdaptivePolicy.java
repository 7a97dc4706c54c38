package io.brume.router;

import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * {@code adaptive}: brume's policy. It starts from the Vivaldi estimate, learns the latency it
 * actually gets, and prices load so that no replica is driven past its capacity. For each ready
 * endpoint j (t = now from the injected clock):
 *
 * <ol>
 *   <li><b>Latency estimate</b> L_j = (1 − c_j)·P_j + R_j, where P_j is the view's estimated RTT
 *       (the Vivaldi prior), R_j a bias-uncorrected EWMA of observed end-to-end latencies and c_j ∈
 *       [0, 1) the confidence in them, so R_j / c_j is the bias-corrected EWMA. An observation x
 *       sets c_j ← (1 − β)·c_j + β and R_j ← (1 − β)·R_j + β·x. Between observations both decay by
 *       e^(−Δt/τ): the estimate slides back to the prior when an endpoint is not used, so it is
 *       tried again later. Latencies include queueing, so a congested replica looks far.
 *   <li><b>Price</b> μ_j (ms), the dual variable of the load bound. On a load report u_j (offered
 *       utilisation): T_j = min(h, c·ū) with ū the mean of the latest reports of all endpoints,
 *       then μ_j ← clamp(μ_j + η·(u_j − T_j)/T_j, 0, μ_max). This is dual ascent on "minimise
 *       latency subject to u_j ≤ T_j": a price rises while its endpoint is over target and pushes
 *       away first the nodes for which another endpoint is almost as close.
 *   <li><b>Score</b> s_j = L_j + μ_j + κ·o_j, with o_j this node's in-flight requests to j.
 *   <li><b>Overload guard</b>: an endpoint whose latest report says u_j ≥ 1 is excluded while any
 *       endpoint has u &lt; 1.
 *   <li><b>Weights</b> w_j ∝ exp(−(s_j − min_k s_k)/θ) over the endpoints the guard keeps (a
 *       softmin), 0 for the others; {@link #choose} draws from them.
 * </ol>
 *
 * <p>Thread-safe: state changes and reads take the instance's lock (a handful of arithmetic
 * operations per endpoint).
 */
public final class AdaptivePolicy implements RoutingPolicy {

  private final AdaptiveConfig config;
  private final InstantSource clock;
  private final OutstandingRequests outstanding = new OutstandingRequests();
  private final Map<String, Observed> observed = new HashMap<>();
  private final Map<String, Double> utilisation = new HashMap<>();
  private final Map<String, Double> prices = new HashMap<>();

  /** Creates the policy of one node; {@code clock} times the decay of observations. */
  public AdaptivePolicy(AdaptiveConfig config, InstantSource clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String name() {
    return "adaptive";
  }

  @Override
  public ServiceReplica choose(LocalView view, RandomGenerator random) {
    return Sampling.draw(view, weights(view), random);
  }

  @Override
  public synchronized EndpointWeights weights(LocalView view) {
    double now = seconds(clock.instant());
    int m = view.size();
    boolean anyWithHeadroom = false;
    for (int j = 0; j < m; j++) {
      anyWithHeadroom |= utilisationOf(view.endpoint(j).id()) < 1;
    }
    double[] scores = new double[m];
    double best = Double.POSITIVE_INFINITY;
    for (int j = 0; j < m; j++) {
      String id = view.endpoint(j).id();
      if (anyWithHeadroom && utilisationOf(id) >= 1) {
        scores[j] = Double.NaN; // excluded by the overload guard
        continue;
      }
      scores[j] =
          estimateMillis(id, view.rttMillis(j), now)
              + priceMillis(id)
              + config.outstandingPenaltyMillis() * outstanding.of(id);
      best = Math.min(best, scores[j]);
    }
    double[] raw = new double[m];
    for (int j = 0; j < m; j++) {
      raw[j] =
          Double.isNaN(scores[j]) ? 0 : Math.exp(-(scores[j] - best) / config.temperatureMillis());
    }
    return EndpointWeights.normalised(view, raw);
  }

  /**
   * The latency estimate L_j in ms for an endpoint whose prior (estimated RTT) is {@code
   * priorMillis}.
   */
  public synchronized double estimateMillis(String endpointId, double priorMillis) {
    return estimateMillis(endpointId, priorMillis, seconds(clock.instant()));
  }

  /** The current price μ_j in ms. */
  public synchronized double priceMillis(String endpointId) {
    return prices.getOrDefault(endpointId, 0.0);
  }

  @Override
  public void requestStarted(String endpointId) {
    outstanding.started(endpointId);
  }

  @Override
  public void requestFinished(String endpointId, double latencyMillis) {
    Feedback.checkLatency(endpointId, latencyMillis);
    outstanding.finished(endpointId);
    synchronized (this) {
      observed
          .computeIfAbsent(endpointId, id -> new Observed())
          .add(latencyMillis, seconds(clock.instant()));
    }
  }

  @Override
  public synchronized void loadReported(String endpointId, double reported) {
    utilisation.put(endpointId, Feedback.checkUtilisation(endpointId, reported));
    double mean =
        utilisation.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double target = Math.min(config.headroom(), config.balanceFactor() * mean);
    double price = priceMillis(endpointId);
    if (target > 0) {
      price += config.priceStepMillis() * (reported - target) / target;
    } else {
      price -= config.priceStepMillis(); // nothing is loaded anywhere: let the price fall
    }
    prices.put(endpointId, Math.clamp(price, 0, config.maxPriceMillis()));
  }

  private double utilisationOf(String endpointId) {
    return utilisation.getOrDefault(endpointId, 0.0);
  }

  private double estimateMillis(String endpointId, double priorMillis, double now) {
    Observed o = observed.get(endpointId);
    if (o == null) {
      return priorMillis;
    }
    o.decayTo(now);
    return (1 - o.confidence) * priorMillis + o.weightedSum;
  }

  private static double seconds(Instant instant) {
    return instant.getEpochSecond() + instant.getNano() / 1e9;
  }

  /** c_j and R_j of the class comment, as of {@code at}; guarded by the policy's lock. */
  private final class Observed {
    double confidence;
    double weightedSum;
    double at = Double.NaN;

    void decayTo(double now) {
      if (!Double.isNaN(at) && now > at) {
        double keep = Math.exp(-(now - at) / (config.observationMemory().toNanos() / 1e9));
        confidence *= keep;
        weightedSum *= keep;
      }
      at = Double.isNaN(at) ? now : Math.max(at, now);
    }

    void add(double latencyMillis, double now) {
      decayTo(now);
      double beta = config.ewmaWeight();
      confidence = (1 - beta) * confidence + beta;
      weightedSum = (1 - beta) * weightedSum + beta * latencyMillis;
    }
  }
}
