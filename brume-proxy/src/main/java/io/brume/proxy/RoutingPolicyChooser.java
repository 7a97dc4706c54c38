package io.brume.proxy;

import io.brume.router.LocalView;
import io.brume.router.RoutingPolicy;
import io.brume.router.ServiceReplica;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Runs a brume-router {@link RoutingPolicy} as the proxy's per-request decision: builds the
 * policy's {@link LocalView} from the endpoints the proxy offers (ready, not yet tried) with this
 * node's RTT estimates, and feeds the policy the proxy's observations.
 *
 * <p>Feedback: the latency reported is the time to the response head. A failed request reports at
 * least {@link #FAILURE_PENALTY} so that latency-learning policies move away from a failing replica
 * (a refused connection fails fast and would otherwise look like the best replica).
 */
public final class RoutingPolicyChooser implements EndpointChooser {
  static final Duration FAILURE_PENALTY = Duration.ofSeconds(1);

  private final RoutingPolicy policy;
  private final ToDoubleFunction<Endpoint> rttEstimateMillis;
  private final ToDoubleFunction<Endpoint> capacityRps;
  private volatile @Nullable CachedView cached;

  /**
   * @param policy one node's policy instance (it keeps per-node state)
   * @param rttEstimateMillis this node's estimated RTT to each endpoint, e.g. from Vivaldi
   * @param capacityRps requests per second each endpoint can serve
   */
  public RoutingPolicyChooser(
      RoutingPolicy policy,
      ToDoubleFunction<Endpoint> rttEstimateMillis,
      ToDoubleFunction<Endpoint> capacityRps) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.rttEstimateMillis = Objects.requireNonNull(rttEstimateMillis, "rttEstimateMillis");
    this.capacityRps = Objects.requireNonNull(capacityRps, "capacityRps");
  }

  public RoutingPolicy policy() {
    return policy;
  }

  @Override
  public Endpoint choose(List<Endpoint> candidates) {
    // ThreadLocalRandom.current() is one shared instance whose state lives in each thread, so it is
    // safe to hand to a policy called from many virtual threads at once.
    String chosen = policy.choose(view(candidates), ThreadLocalRandom.current()).id();
    return byName(candidates, chosen);
  }

  /**
   * The policy's view of {@code candidates}. Building one sorts and copies, so the last one is
   * reused while the candidates and every estimate are unchanged, which is the common case: the
   * proxy offers the same list while every endpoint is ready, and estimates move slowly.
   */
  private LocalView view(List<Endpoint> candidates) {
    CachedView last = cached;
    if (last != null && last.matches(candidates, rttEstimateMillis, capacityRps)) {
      return last.view();
    }
    int size = candidates.size();
    double[] rtts = new double[size];
    double[] capacities = new double[size];
    List<ServiceReplica> routerEndpoints = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      Endpoint candidate = candidates.get(i);
      rtts[i] = rttEstimateMillis.applyAsDouble(candidate);
      capacities[i] = capacityRps.applyAsDouble(candidate);
      routerEndpoints.add(ServiceReplica.ready(candidate.name(), capacities[i]));
    }
    LocalView view =
        LocalView.of(
            routerEndpoints, routerEndpoint -> rtts[indexByName(candidates, routerEndpoint.id())]);
    cached = new CachedView(candidates, rtts, capacities, view);
    return view;
  }

  /** A view with the inputs it was built from (arrays never modified after construction). */
  private record CachedView(
      List<Endpoint> candidates, double[] rtts, double[] capacities, LocalView view) {
    boolean matches(
        List<Endpoint> offered,
        ToDoubleFunction<Endpoint> rttEstimateMillis,
        ToDoubleFunction<Endpoint> capacityRps) {
      if (offered != candidates && !offered.equals(candidates)) {
        return false;
      }
      for (int i = 0; i < rtts.length; i++) {
        Endpoint endpoint = candidates.get(i);
        if (Double.compare(rttEstimateMillis.applyAsDouble(endpoint), rtts[i]) != 0
            || Double.compare(capacityRps.applyAsDouble(endpoint), capacities[i]) != 0) {
          return false;
        }
      }
      return true;
    }
  }

  @Override
  public void requestStarted(Endpoint endpoint) {
    policy.requestStarted(endpoint.name());
  }

  @Override
  public void requestFinished(Endpoint endpoint, Duration latency, boolean success) {
    Duration reported =
        success || latency.compareTo(FAILURE_PENALTY) > 0 ? latency : FAILURE_PENALTY;
    policy.requestFinished(endpoint.name(), reported.toNanos() / 1e6);
  }

  private static Endpoint byName(List<Endpoint> candidates, String name) {
    return candidates.get(indexByName(candidates, name));
  }

  private static int indexByName(List<Endpoint> candidates, String name) {
    for (int i = 0; i < candidates.size(); i++) {
      if (candidates.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalStateException("policy chose unknown endpoint " + name);
  }
}
