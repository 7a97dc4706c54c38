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

  /**
   * On a Pod (scheduler extender) or a placement-enabled Deployment (placement controller, default:
   * the Deployment's name): the Service, same namespace, whose demand it is placed near.
   */
  public static final String POD_SERVICE = "brume.io/service";

  /** On a Pod: filter out nodes whose demand-weighted estimated latency exceeds this many ms. */
  public static final String POD_MAX_LATENCY_MS = "brume.io/max-latency-ms";

  /** The EndpointSlice label naming its Service (set by Kubernetes' EndpointSlice controller). */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /** On a Deployment: {@code enabled} lets the placement controller move its replicas. */
  public static final String PLACEMENT = "brume.io/placement";

  /** The only value of {@link #PLACEMENT} that opts a Deployment in. */
  public static final String PLACEMENT_ENABLED = "enabled";

  /** On a Deployment: the percentile of requests to keep under the bound, e.g. 0.9 or 90. */
  public static final String PLACEMENT_PERCENTILE = "brume.io/placement-percentile";

  /** On a Deployment: the latency bound in ms that the percentile should stay under. */
  public static final String PLACEMENT_BOUND_MS = "brume.io/placement-bound-ms";

  /**
   * On a Deployment, written by the placement controller: when it last changed the replicas' node
   * set (ISO-8601 instant), so moves stay paced across controller restarts.
   */
  public static final String PLACEMENT_MOVED_AT = "brume.io/placement-moved-at";

  /** The well-known Node label the placement controller's node affinity selects on. */
  public static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
}
