package io.brume.kubernetes;

import java.util.List;
import java.util.Set;

/**
 * Every Kubernetes API call brume makes, as RBAC sees it. The ClusterRole in {@code deploy/} must
 * grant all of them (a test checks it), and new API calls must be added here first.
 *
 * @param apiGroup the API group ("" for core)
 * @param resource the plural resource name
 * @param verbs the RBAC verbs used
 * @param usedBy which class makes the calls, for the reader of the ClusterRole
 */
public record KubernetesApiUse(String apiGroup, String resource, Set<String> verbs, String usedBy) {

  /** All API uses of brume-kubernetes. */
  public static final List<KubernetesApiUse> ALL =
      List.of(
          new KubernetesApiUse(
              "",
              "nodes",
              Set.of("list", "watch"),
              "PeerDirectory (informer: peers, coordinates, demand, load)"),
          // fabric8 GETs the Node before sending a merge patch, hence "get".
          new KubernetesApiUse(
              "", "nodes", Set.of("get", "patch"), "CoordinatePublisher (own Node)"),
          new KubernetesApiUse(
              "", "services", Set.of("list", "watch"), "ProximityRoutingController (informer)"),
          new KubernetesApiUse(
              "discovery.k8s.io",
              "endpointslices",
              Set.of("list", "watch"),
              "ProximityRoutingController (informer)"),
          new KubernetesApiUse(
              "", "events", Set.of("create"), "ProblemReporter (invalid annotations)"),
          // Informer, plus the merge patch of the pod template's node affinity (GET first).
          new KubernetesApiUse(
              "apps",
              "deployments",
              Set.of("get", "list", "watch", "patch"),
              "PlacementController (opted-in Deployments' node affinity)"));
}
