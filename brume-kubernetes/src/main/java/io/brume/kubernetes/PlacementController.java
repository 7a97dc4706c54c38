package io.brume.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The placement controller: for every Deployment annotated {@code brume.io/placement: enabled},
 * keeps the replicas' node set close to where the demand of its Service comes from, one node at a
 * time.
 *
 * <p>The node set is the pod template's required node affinity {@code kubernetes.io/hostname In
 * [nodes]} with as many nodes as replicas. Each reconcile reads the Nodes' coordinates and the
 * Service's demand ({@code brume.io/demand}) from the {@link PeerDirectory}, and asks {@link
 * PlacementPlanner#nextMove} for one swap that improves the demand-weighted percentile by more than
 * the hysteresis (or fixes a violated bound). A swap is a JSON patch of the Deployment, which
 * Kubernetes rolls out like any template change; the next swap waits until that rollout finished
 * and {@code minMoveInterval} passed, so a Deployment never has two moves in flight. A Deployment
 * without brume's affinity yet gets the planner's full placement once ({@link
 * PlacementPlanner#plan}), since its pods' nodes are not known to brume.
 *
 * <p>Informer handlers only enqueue keys into a {@link KeyedWorkQueue} (one reconcile at a time per
 * Deployment); the resync is the periodic re-evaluation and the retry. A reconcile with nothing to
 * change makes no API call.
 */
public final class PlacementController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PlacementController.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Default percentile when a Deployment does not set {@code brume.io/placement-percentile}. */
  public static final double DEFAULT_PERCENTILE = 0.9;

  /** Default relative improvement a move must bring (see {@link PlacementPlanner#nextMove}). */
  public static final double DEFAULT_HYSTERESIS = 0.1;

  private final KubernetesClient client;
  private final SharedIndexInformer<Deployment> deployments;
  private final PeerDirectory peers;
  // Keyed by namespace/name; ServiceKey is that pair whatever the kind.
  private final KeyedWorkQueue<ServiceKey> queue;
  private final InstantSource clock;
  private final double hysteresis;
  private final Duration minMoveInterval;

  /**
   * Builds (does not start) the controller.
   *
   * @param resync how often every Deployment is re-evaluated
   * @param hysteresis minimum relative improvement for a move, e.g. {@link #DEFAULT_HYSTERESIS}
   * @param minMoveInterval minimum time between two moves of one Deployment
   */
  public PlacementController(
      KubernetesClient client,
      Duration resync,
      double hysteresis,
      Duration minMoveInterval,
      InstantSource clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.minMoveInterval = Objects.requireNonNull(minMoveInterval, "minMoveInterval");
    if (!(hysteresis >= 0)) {
      throw new IllegalArgumentException("hysteresis must be >= 0, got " + hysteresis);
    }
    this.hysteresis = hysteresis;
    this.deployments =
        client.apps().deployments().inAnyNamespace().runnableInformer(resync.toMillis());
    this.peers = new PeerDirectory(client, resync);
    this.queue = new KeyedWorkQueue<>("brume-placement", 1, this::reconcile);
    deployments.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Deployment d) {
            enqueueIfOptedIn(d);
          }

          @Override
          public void onUpdate(Deployment oldD, Deployment newD) {
            enqueueIfOptedIn(newD);
          }

          @Override
          public void onDelete(Deployment d, boolean deletedFinalStateUnknown) {
            // Nothing to clean up: the affinity went with the Deployment.
          }
        });
    // New coordinates or demand can justify a move for every opted-in Deployment.
    peers.addListener(
        () -> {
          for (Deployment d : deployments.getStore().list()) {
            enqueueIfOptedIn(d);
          }
        });
  }

  private void enqueueIfOptedIn(Deployment d) {
    if (isOptedIn(d)) {
      queue.enqueue(new ServiceKey(d.getMetadata().getNamespace(), d.getMetadata().getName()));
    }
  }

  static boolean isOptedIn(Deployment d) {
    Map<String, String> annotations = d.getMetadata().getAnnotations();
    return annotations != null
        && BrumeAnnotations.PLACEMENT_ENABLED.equals(annotations.get(BrumeAnnotations.PLACEMENT));
  }

  /** Starts the informers and waits up to {@code timeout} until both have listed once. */
  public void start(Duration timeout) {
    peers.start(timeout);
    try {
      deployments.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing Deployments", e);
    } catch (Exception e) {
      throw new IllegalStateException("could not list Deployments within " + timeout + ": " + e, e);
    }
  }

  /** Reconciles one Deployment; idempotent, run by the work queue only. */
  private void reconcile(ServiceKey key) {
    Deployment d =
        deployments.getStore().getByKey(Cache.namespaceKeyFunc(key.namespace(), key.name()));
    if (d == null || !isOptedIn(d)) {
      return;
    }
    Map<String, String> annotations = d.getMetadata().getAnnotations();
    if (rolloutInProgress(d) || tooSoon(annotations.get(BrumeAnnotations.PLACEMENT_MOVED_AT))) {
      return;
    }
    // Candidates and demand sources: ready nodes with a coordinate, in a stable order.
    List<PeerNode> nodes = new ArrayList<>();
    for (PeerNode p : new TreeMap<>(peers.peers()).values()) {
      if (p.ready() && p.coordinate().isPresent()) {
        nodes.add(p);
      }
    }
    String service = annotations.getOrDefault(BrumeAnnotations.POD_SERVICE, key.name());
    String demandKey = key.namespace() + '/' + service;
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
            percentile(key, annotations.get(BrumeAnnotations.PLACEMENT_PERCENTILE)),
            boundMillis(key, annotations.get(BrumeAnnotations.PLACEMENT_BOUND_MS)),
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
    patch(d, key, target);
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
  private static int[] indices(List<String> names, List<PeerNode> nodes) {
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

  private boolean tooSoon(String movedAt) {
    if (movedAt == null) {
      return false;
    }
    try {
      return clock.instant().isBefore(Instant.parse(movedAt).plus(minMoveInterval));
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static double percentile(ServiceKey key, String value) {
    if (value == null) {
      return DEFAULT_PERCENTILE;
    }
    try {
      double p = Double.parseDouble(value.trim());
      // Both 0.9 and 90 mean the 90th percentile.
      double fraction = p > 1 ? p / 100 : p;
      if (fraction > 0 && fraction <= 1) {
        return fraction;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    LOG.warn(
        "Deployment {}: {}={} ignored, expected (0, 1] or (1, 100]; using {}",
        key,
        BrumeAnnotations.PLACEMENT_PERCENTILE,
        value,
        DEFAULT_PERCENTILE);
    return DEFAULT_PERCENTILE;
  }

  private static double boundMillis(ServiceKey key, String value) {
    if (value == null) {
      // No bound: only the hysteresis decides moves.
      return Double.POSITIVE_INFINITY;
    }
    try {
      double bound = Double.parseDouble(value.trim());
      if (bound > 0 && Double.isFinite(bound)) {
        return bound;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    LOG.warn(
        "Deployment {}: {}={} ignored, expected a positive number of ms",
        key,
        BrumeAnnotations.PLACEMENT_BOUND_MS,
        value);
    return Double.POSITIVE_INFINITY;
  }

  /**
   * Replaces only the required node affinity (other affinity kinds are kept) and stamps the move
   * time, with a JSON patch (RFC 6902) built against the cached object: a merge patch would do the
   * same on a real API server, but fabric8's mock server appends to lists in merge patches. A patch
   * built from a stale cache fails and is retried at the next resync.
   */
  private void patch(Deployment d, ServiceKey key, TreeSet<String> nodes) {
    ObjectNode expression = JSON.createObjectNode();
    expression.put("key", BrumeAnnotations.HOSTNAME_LABEL).put("operator", "In");
    ArrayNode values = expression.putArray("values");
    nodes.forEach(values::add);
    ObjectNode required = JSON.createObjectNode();
    required.putArray("nodeSelectorTerms").addObject().putArray("matchExpressions").add(expression);

    ArrayNode ops = JSON.createArrayNode();
    String moved = clock.instant().toString();
    if (d.getMetadata().getAnnotations() == null) {
      ops.add(add("/metadata/annotations", JSON.createObjectNode().put(MOVED_AT, moved)));
    } else {
      ops.add(
          add("/metadata/annotations/" + pointer(MOVED_AT), JSON.getNodeFactory().textNode(moved)));
    }
    Affinity affinity = d.getSpec().getTemplate().getSpec().getAffinity();
    String base = "/spec/template/spec/affinity";
    if (affinity == null) {
      ObjectNode value = JSON.createObjectNode();
      value.putObject("nodeAffinity").set(REQUIRED, required);
      ops.add(add(base, value));
    } else if (affinity.getNodeAffinity() == null) {
      ObjectNode value = JSON.createObjectNode();
      value.set(REQUIRED, required);
      ops.add(add(base + "/nodeAffinity", value));
    } else {
      ops.add(add(base + "/nodeAffinity/" + REQUIRED, required));
    }
    client
        .apps()
        .deployments()
        .inNamespace(key.namespace())
        .withName(key.name())
        .patch(PatchContext.of(PatchType.JSON), ops.toString());
  }

  private static final String MOVED_AT = BrumeAnnotations.PLACEMENT_MOVED_AT;
  private static final String REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution";

  /** An "add" operation, which replaces the member if it exists. */
  private static ObjectNode add(String path, JsonNode value) {
    ObjectNode op = JSON.createObjectNode().put("op", "add").put("path", path);
    op.set("value", value);
    return op;
  }

  /** A JSON pointer token (RFC 6901): '~' and '/' escaped. */
  private static String pointer(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  /** Stops watching and waits for a running reconcile; the Deployments keep their affinity. */
  @Override
  public void close() {
    deployments.close();
    peers.close();
    queue.close();
  }
}
