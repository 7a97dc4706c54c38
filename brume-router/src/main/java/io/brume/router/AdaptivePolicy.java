package io.brume.router;

import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
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

  private static final int RESUM_PERIOD = 4096;

  private final AdaptiveConfig config;
  private final InstantSource clock;
  private final OutstandingRequests outstanding = new OutstandingRequests();
  // One entry per endpoint heard of (observation, report or price): one lookup per event.
  private final Map<String, EndpointState> states = new HashMap<>();
  private int reportedEndpoints;
  private double utilisationSum; // over reported endpoints, kept so that a report is O(1)
  private long reportsSinceResum;
  // The last view routed on and its endpoints' state and in-flight counters by rank: a node routes
  // on the same view request after request, so per-endpoint map lookups are paid once per view.
  private LocalView cachedView;
  private EndpointState[] cachedStates;
  private AtomicInteger[] cachedOutstanding;

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
    EndpointState[] state = statesOf(view);
    AtomicInteger[] inFlight = cachedOutstanding;
    boolean anyWithHeadroom = false;
    for (int j = 0; j < m; j++) {
      anyWithHeadroom |= utilisationOf(state[j]) < 1;
    }
    double[] scores = new double[m];
    double best = Double.POSITIVE_INFINITY;
    for (int j = 0; j < m; j++) {
      if (anyWithHeadroom && utilisationOf(state[j]) >= 1) {
        scores[j] = Double.NaN; // excluded by the overload guard
        continue;
      }
      scores[j] =
          estimateMillis(state[j], view.rttMillis(j), now)
              + (state[j] == null ? 0 : state[j].price)
              + config.outstandingPenaltyMillis() * inFlight[j].get();
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
   * The state of each of the view's endpoints by rank (null for one not heard of yet), and {@link
   * #cachedOutstanding} its in-flight counters; cached for the last view.
   */
  private EndpointState[] statesOf(LocalView view) {
    int m = view.size();
    if (view != cachedView) {
      cachedView = view;
      cachedStates = new EndpointState[m];
      cachedOutstanding = new AtomicInteger[m];
      for (int j = 0; j < m; j++) {
        cachedOutstanding[j] = outstanding.counter(view.endpoint(j).id());
      }
    }
    for (int j = 0; j < m; j++) {
      if (cachedStates[j] == null) { // states are created, never removed
        cachedStates[j] = states.get(view.endpoint(j).id());
      }
    }
    return cachedStates;
  }

  /**
   * The latency estimate L_j in ms for an endpoint whose prior (estimated RTT) is {@code
   * priorMillis}.
   */
  public synchronized double estimateMillis(String endpointId, double priorMillis) {
    return estimateMillis(states.get(endpointId), priorMillis, seconds(clock.instant()));
  }

  /** The current price μ_j in ms. */
  public synchronized double priceMillis(String endpointId) {
    EndpointState state = states.get(endpointId);
    return state == null ? 0 : state.price;
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
      state(endpointId).add(latencyMillis, seconds(clock.instant()));
    }
  }

  @Override
  public synchronized void loadReported(String endpointId, double reported) {
    Feedback.checkUtilisation(endpointId, reported);
    EndpointState state = state(endpointId);
    if (state.reported) {
      utilisationSum += reported - state.utilisation;
    } else {
      state.reported = true;
      reportedEndpoints++;
      utilisationSum += reported;
    }
    state.utilisation = reported;
    if (++reportsSinceResum >= RESUM_PERIOD) { // bound the rounding drift of the running sum
      utilisationSum = 0;
      for (EndpointState s : states.values()) {
        utilisationSum += s.reported ? s.utilisation : 0;
      }
      reportsSinceResum = 0;
    }
    double mean = utilisationSum / reportedEndpoints;
    double target = Math.min(config.headroom(), config.balanceFactor() * mean);
    double price = state.price;
    if (target > 0) {
      price += config.priceStepMillis() * (reported - target) / target;
    } else {
      price -= config.priceStepMillis(); // nothing is loaded anywhere: let the price fall
    }
    state.price = Math.clamp(price, 0, config.maxPriceMillis());
  }

  /** The endpoint's state, created on first use (a plain get and put: this runs per report). */
  private EndpointState state(String endpointId) {
    EndpointState state = states.get(endpointId);
    if (state == null) {
      state = new EndpointState();
      states.put(endpointId, state);
    }
    return state;
  }

  private static double utilisationOf(EndpointState state) {
    return state == null ? 0 : state.utilisation;
  }

  private static double estimateMillis(EndpointState state, double priorMillis, double now) {
    if (state == null || !state.observed) {
      return priorMillis;
    }
    state.decayTo(now);
    return (1 - state.confidence) * priorMillis + state.weightedSum;
  }

  private static double seconds(Instant instant) {
    return instant.getEpochSecond() + instant.getNano() / 1e9;
  }

  /**
   * What this node knows of one endpoint, guarded by the policy's lock: c_j and R_j of the class
   * comment as of {@code at}, the latest load report and the price μ_j.
   */
  private final class EndpointState {
    boolean observed;
    double confidence;
    double weightedSum;
    double at = Double.NaN;
    boolean reported;
    double utilisation;
    double price;

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
      observed = true;
      double beta = config.ewmaWeight();
      confidence = (1 - beta) * confidence + beta;
      weightedSum = (1 - beta) * weightedSum + beta * latencyMillis;
    }
  }
}
