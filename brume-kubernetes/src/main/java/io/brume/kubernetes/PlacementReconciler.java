package io.brume.kubernetes;

import io.brume.router.placement.PlacementPlanner;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile of one opted-in Deployment: reads the Nodes' coordinates and the Service's demand,
 * asks brume-router's {@link PlacementPlanner} for the full placement (first adoption) or one move,
 * and patches the Deployment's node affinity when the node set changes. Idempotent; a reconcile
 * with nothing to change makes no API call.
 */
final class PlacementReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(PlacementReconciler.class);

  private final KubernetesClient client;
  private final Supplier<Map<String, PeerNode>> peers;
  private final InstantSource clock;
  private final double hysteresis;
  private final Duration minMoveInterval;

  PlacementReconciler(
      KubernetesClient client,
      Supplier<Map<String, PeerNode>> peers,
      InstantSource clock,
      double hysteresis,
      Duration minMoveInterval) {
    this.client = client;
    this.peers = peers;
    this.clock = clock;
    this.hysteresis = hysteresis;
    this.minMoveInterval = minMoveInterval;
  }

  /** Reconciles the Deployment {@code key} as cached ({@code d}, null when it is gone). */
  void reconcile(ServiceKey key, Deployment d) {
    if (d == null || !PlacementSpec.isOptedIn(d)) {
      return;
    }
    Map<String, String> annotations = d.getMetadata().getAnnotations();
    if (rolloutInProgress(d) || tooSoon(annotations.get(BrumeAnnotations.PLACEMENT_MOVED_AT))) {
      return;
    }
    // Candidates and demand sources: ready nodes with a coordinate, in a stable order.
    List<PeerNode> nodes = new ArrayList<>();
    for (PeerNode p : new TreeMap<>(peers.get()).values()) {
      if (p.ready() && p.coordinate().isPresent()) {
        nodes.add(p);
      }
    }
    PlacementSpec spec = PlacementSpec.parse(key, annotations);
    String demandKey = key.namespace() + '/' + spec.service();
    double[] demand = new double[nodes.size()];
    double total = 0;
    for (int i = 0; i < demand.length; i++) {
      demand[i] = nodes.get(i).demand().getOrDefault(demandKey, 0L);
      total += demand[i];
    }
    int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    if (total == 0 || replicas < 1 || replicas > nodes.size()) {
      // No demand reported yet, or not enough nodes to choose from: leave the placement alone.
      return;
    }
    PlacementPlanner planner =
        new PlacementPlanner(
            demand,
            (from, to) -> nodes.get(from).estimateRttMillis(nodes.get(to)),
            spec.percentile(),
            spec.boundMillis(),
            hysteresis);

    Optional<List<String>> current = currentNodes(d);
    int[] currentIndices = current.map(names -> indices(names, nodes)).orElse(null);
    int[] next;
    if (currentIndices == null || currentIndices.length != replicas) {
      // First adoption, a replica count change or a node gone: the planner's full placement.
      next = planner.plan(replicas);
    } else {
      Optional<PlacementPlanner.Move> move = planner.nextMove(currentIndices);
      if (move.isEmpty()) {
        return;
      }
      next = PlacementPlanner.apply(currentIndices, move.get());
    }
    TreeSet<String> target = new TreeSet<>();
    for (int i : next) {
      target.add(nodes.get(i).name());
    }
    if (current.isPresent() && new TreeSet<>(current.get()).equals(target)) {
      return;
    }
    LOG.info(
        "placement of Deployment {}: nodes {} -> {} (demand of Service {})",
        key,
        current.map(Object::toString).orElse("(unconstrained)"),
        target,
        demandKey);
    client
        .apps()
        .deployments()
        .inNamespace(key.namespace())
        .withName(key.name())
        .patch(PatchContext.of(PatchType.JSON), NodeAffinityPatch.of(d, target, clock.instant()));
  }

  /** The node names of brume's affinity term, if the template has exactly that term. */
  static Optional<List<String>> currentNodes(Deployment d) {
    PodSpec spec = d.getSpec().getTemplate().getSpec();
    Affinity affinity = spec == null ? null : spec.getAffinity();
    if (affinity == null || affinity.getNodeAffinity() == null) {
      return Optional.empty();
    }
    NodeSelector required =
        affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    if (required == null || required.getNodeSelectorTerms().size() != 1) {
      return Optional.empty();
    }
    NodeSelectorTerm term = required.getNodeSelectorTerms().getFirst();
    if (term.getMatchExpressions().size() != 1) {
      return Optional.empty();
    }
    NodeSelectorRequirement r = term.getMatchExpressions().getFirst();
    if (!BrumeAnnotations.HOSTNAME_LABEL.equals(r.getKey()) || !"In".equals(r.getOperator())) {
      return Optional.empty();
    }
    return Optional.of(List.copyOf(r.getValues()));
  }

  /** Indices of {@code names} in {@code nodes}, or null if one is not a usable node any more. */
  private static int @Nullable [] indices(List<String> names, List<PeerNode> nodes) {
    int[] indices = new int[names.size()];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = -1;
      for (int n = 0; n < nodes.size(); n++) {
        if (nodes.get(n).name().equals(names.get(i))) {
          indices[i] = n;
        }
      }
      if (indices[i] < 0) {
        return null;
      }
    }
    return indices;
  }

  /**
   * True while the Deployment's last template change is still rolling out, as far as its status
   * tells (an object without status, e.g. just created, counts as settled).
   */
  static boolean rolloutInProgress(Deployment d) {
    DeploymentStatus status = d.getStatus();
    if (status == null) {
      return false;
    }
    Long generation = d.getMetadata().getGeneration();
    if (generation != null
        && status.getObservedGeneration() != null
        && status.getObservedGeneration() < generation) {
      return true;
    }
    Integer replicas = d.getSpec().getReplicas();
    return replicas != null
        && status.getUpdatedReplicas() != null
        && status.getUpdatedReplicas() < replicas;
  }

  private boolean tooSoon(@Nullable String movedAt) {
    if (movedAt == null) {
      return false;
    }
    try {
      return clock.instant().isBefore(Instant.parse(movedAt).plus(minMoveInterval));
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
