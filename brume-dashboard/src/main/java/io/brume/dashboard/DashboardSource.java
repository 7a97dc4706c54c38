package io.brume.dashboard;

import java.util.List;

/**
 * What a dashboard shows, read on every API request. Implementations return consistent snapshots
 * and must be thread-safe: requests are served concurrently.
 */
public interface DashboardSource {

  /** A short title for the page, for example {@code "brume up: 12 emulated nodes"}. */
  String title();

  /** Every node known to the source, with its coordinate and RTT estimates. */
  List<NodeView> nodes();

  /** Per node, the weight each compared policy gives each replica of the demo service. */
  List<RoutingView> routing();

  /** Latency and load per compared policy for the traffic measured so far. */
  StatsView stats();

  /**
   * Per node and deployment lane, where the deployment of the demo image is; empty when the source
   * deploys nothing.
   */
  default List<DeploymentView> deployments() {
    return List.of();
  }

  /**
   * How the demo replicas run, for the page to say: for example {@code "containers (crun)"} or
   * {@code "in-process (not root)"}; empty when the source does not say.
   */
  default String replicaRuntime() {
    return "";
  }
}
