package io.brume.kubernetes;

/** The annotation and label keys brume reads and writes; one place so docs and code agree. */
public final class BrumeAnnotations {
  private BrumeAnnotations() {}

  /**
   * On a Node, written by that node's agent: its Vivaldi coordinate as JSON ({@link
   * NodeCoordinate}).
   */
  public static final String COORDINATE = "brume.io/coordinate";

  /**
   * On a Node, written by that node's agent: requests its proxy saw per Service, JSON {@code
   * {"namespace/name": count}}; the scheduler extender and placement controller read it as demand.
   */
  public static final String DEMAND = "brume.io/demand";

  /**
   * On a Node, written by that node's agent: its load as a fraction of capacity (1.0 = saturated).
   */
  public static final String LOAD = "brume.io/load";

  /** On a Service: {@code proximity} opts the Service in to brume's routing. */
  public static final String ROUTING = "brume.io/routing";

  /** The only value of {@link #ROUTING} that opts a Service in. */
  public static final String ROUTING_PROXIMITY = "proximity";

  /** On a Service: the routing policy, one of brume-router's {@code RoutingPolicies.NAMES}. */
  public static final String POLICY = "brume.io/policy";

  /** On a Service: α of the {@code proximity-alpha} policy, in [0, 1]. */
  public static final String ALPHA = "brume.io/alpha";

  /** On a Service: n of {@code n-nearest-by-load}, the closest endpoints sharing the traffic. */
  public static final String N = "brume.io/n";

  /** On a Pod: the Service (same namespace) whose demand the scheduler extender places it near. */
  public static final String POD_SERVICE = "brume.io/service";

  /** On a Pod: filter out nodes whose demand-weighted estimated latency exceeds this many ms. */
  public static final String POD_MAX_LATENCY_MS = "brume.io/max-latency-ms";

  /** The EndpointSlice label naming its Service (set by Kubernetes' EndpointSlice controller). */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
}
