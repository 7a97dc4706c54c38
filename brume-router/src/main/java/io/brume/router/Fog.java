package io.brume.router;

import io.brume.router.placement.PlacementPlanner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The simulated fog: N nodes with their true RTTs and their Vivaldi estimates, K replicas placed on
 * some of them, and each node's request rate. Built once and shared by every policy's run so that
 * all policies see the same fog and the same demand.
 *
 * <p>RTTs are given as functions ({@link Rtts}), not matrices, so that a fog of thousands of nodes
 * needs no N×N array: the estimates come from coordinates and the true RTTs from a data set
 * expanded on the fly ({@link FogDatasets}). Once the replicas are placed, the fog keeps only the
 * N×K RTTs between nodes and replicas that the simulation reads.
 */
public final class Fog {

  /** RTT in ms between two nodes of the fog, by index; must be finite and ≥ 0. */
  @FunctionalInterface
  public interface Rtts {
    double millis(int from, int to);
  }

  private final int nodes;
  private final Rtts trueRtt;
  private final Rtts estimatedRtt;
  private final int[] replicaNodes;
  private final double[] demandRps;
  private final List<ServiceReplica> endpoints;
  private final Map<String, Integer> replicaById;
  private final double[] trueToReplica; // [node * K + r]: node → replica r and back, halves
  private final double[] trueFromReplica;
  private final double[] estimatedToReplica;

  private Fog(
      int nodes,
      Rtts trueRtt,
      Rtts estimatedRtt,
      int[] replicaNodes,
      double[] trueToReplica,
      double[] trueFromReplica,
      double[] estimatedToReplica,
      double capacity,
      double[] demand) {
    this.nodes = nodes;
    this.trueRtt = trueRtt;
    this.estimatedRtt = estimatedRtt;
    this.replicaNodes = replicaNodes;
    this.trueToReplica = trueToReplica;
    this.trueFromReplica = trueFromReplica;
    this.estimatedToReplica = estimatedToReplica;
    this.demandRps = demand;
    List<ServiceReplica> list = new ArrayList<>();
    Map<String, Integer> byId = new HashMap<>();
    for (int r = 0; r < replicaNodes.length; r++) {
      list.add(ServiceReplica.ready(replicaId(r), capacity));
      byId.put(replicaId(r), r);
    }
    this.endpoints = List.copyOf(list);
    this.replicaById = Map.copyOf(byId);
  }

  /**
   * Places the replicas and the demand of {@code config} on nodes with these true and estimated
   * (Vivaldi) RTTs. Routing and placement only see the estimates; the network delays requests by
   * the true RTTs.
   *
   * @throws IllegalArgumentException if sizes disagree or an RTT is missing, negative or not finite
   */
  public static Fog build(
      double[][] trueRttMillis, double[][] estimatedRttMillis, SimulationConfig config) {
    int nodes = trueRttMillis.length;
    if (estimatedRttMillis.length != nodes || nodes != config.nodes()) {
      throw new IllegalArgumentException(
          "fog: %d true RTT rows, %d estimated rows, %d nodes"
              .formatted(nodes, estimatedRttMillis.length, config.nodes()));
    }
    double[][] estimated = new double[nodes][];
    for (int i = 0; i < nodes; i++) {
      checkRow("true", trueRttMillis[i], i, nodes);
      checkRow("estimated", estimatedRttMillis[i], i, nodes);
      estimated[i] = estimatedRttMillis[i].clone();
    }
    return build(
        nodes, (from, to) -> trueRttMillis[from][to], (from, to) -> estimated[from][to], config);
  }

  /**
   * The same from RTT functions, for fogs too large for N×N matrices: {@code trueRtt} and {@code
   * estimatedRtt} are called O(N·K) times, plus the placement's candidate distances (see {@link
   * PlacementPlanner#balanced}).
   *
   * @throws IllegalArgumentException if {@code nodes} disagrees with the config or an RTT the fog
   *     reads is negative or not finite
   */
  public static Fog build(int nodes, Rtts trueRtt, Rtts estimatedRtt, SimulationConfig config) {
    if (nodes != config.nodes()) {
      throw new IllegalArgumentException(
          "fog: %d nodes, the configuration asks for %d".formatted(nodes, config.nodes()));
    }
    Rtts checkedEstimate = (from, to) -> checked("estimated", estimatedRtt, from, to);
    SplittableRandom random = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + 17);
    double[] uniform = new double[nodes];
    Arrays.fill(uniform, 1.0);
    int[] replicaNodes =
        switch (config.placement()) {
          case BALANCED ->
              PlacementPlanner.balanced(
                  nodes, checkedEstimate::millis, uniform, config.replicas(), random);
          case RANDOM -> PlacementPlanner.random(nodes, config.replicas(), random);
        };
    int k = replicaNodes.length;
    double[] to = new double[nodes * k];
    double[] from = new double[nodes * k];
    double[] estimated = new double[nodes * k];
    for (int node = 0; node < nodes; node++) {
      for (int r = 0; r < k; r++) {
        to[node * k + r] = checked("true", trueRtt, node, replicaNodes[r]);
        from[node * k + r] = checked("true", trueRtt, replicaNodes[r], node);
        estimated[node * k + r] = checkedEstimate.millis(node, replicaNodes[r]);
      }
    }
    double totalRps = config.load() * config.replicas() * config.capacityRps();
    double[] demand = demand(nodes, to, k, config.hotspot(), totalRps);
    return new Fog(
        nodes,
        trueRtt,
        estimatedRtt,
        replicaNodes,
        to,
        from,
        estimated,
        config.capacityRps(),
        demand);
  }

  private static double checked(String kind, Rtts rtts, int from, int to) {
    double rtt = from == to ? 0 : rtts.millis(from, to);
    if (!(rtt >= 0) || !Double.isFinite(rtt)) {
      throw new IllegalArgumentException(
          "fog: " + kind + " RTT between nodes " + from + " and " + to + " is " + rtt);
    }
    return rtt;
  }

  private static void checkRow(String kind, double[] row, int i, int nodes) {
    if (row.length != nodes) {
      throw new IllegalArgumentException(
          "fog: " + kind + " RTT row " + i + " has " + row.length + " entries, expected " + nodes);
    }
    for (int j = 0; j < row.length; j++) {
      if (!(row[j] >= 0) || !Double.isFinite(row[j])) {
        throw new IllegalArgumentException(
            "fog: " + kind + " RTT between nodes " + i + " and " + j + " is " + row[j]);
      }
    }
  }

  /**
   * Uniform demand, or with a hot spot: the nodes truly nearest to the replica that serves the most
   * nodes issue {@code hotspot} of all requests between them, the other nodes the rest.
   */
  private static double[] demand(
      int nodes, double[] trueToReplica, int replicas, double hotspot, double totalRps) {
    double[] demand = new double[nodes];
    if (hotspot == 0) {
      Arrays.fill(demand, totalRps / nodes);
      return demand;
    }
    int[] cellOf = new int[nodes];
    int[] cellSize = new int[replicas];
    for (int node = 0; node < nodes; node++) {
      cellOf[node] = nearest(trueToReplica, node, replicas);
      cellSize[cellOf[node]]++;
    }
    int hot = 0;
    for (int r = 1; r < cellSize.length; r++) {
      hot = cellSize[r] > cellSize[hot] ? r : hot;
    }
    int hotNodes = cellSize[hot];
    int coldNodes = nodes - hotNodes;
    for (int node = 0; node < nodes; node++) {
      demand[node] =
          cellOf[node] == hot
              ? (coldNodes == 0 ? totalRps / hotNodes : hotspot * totalRps / hotNodes)
              : (1 - hotspot) * totalRps / coldNodes;
    }
    return demand;
  }

  /** The replica (lowest index among ties) with the least RTT in a node-major N×K table. */
  private static int nearest(double[] table, int node, int replicas) {
    int best = 0;
    for (int r = 1; r < replicas; r++) {
      if (table[node * replicas + r] < table[node * replicas + best]) {
        best = r;
      }
    }
    return best;
  }

  static String replicaId(int replica) {
    return "r" + replica;
  }

  /** Number of nodes. */
  public int nodes() {
    return nodes;
  }

  /** Number of replicas. */
  public int replicas() {
    return replicaNodes.length;
  }

  /** The node hosting replica {@code r}. */
  public int replicaNode(int r) {
    return replicaNodes[r];
  }

  /** Requests per second issued by clients on {@code node}. */
  public double demandRps(int node) {
    return demandRps[node];
  }

  /** True RTT in ms between two nodes. */
  public double trueRttMillis(int from, int to) {
    return from == to ? 0 : trueRtt.millis(from, to);
  }

  /** Vivaldi-estimated RTT in ms between two nodes. */
  public double estimatedRttMillis(int from, int to) {
    return from == to ? 0 : estimatedRtt.millis(from, to);
  }

  /** True RTT in ms from {@code node} to the node of replica {@code r}. */
  double trueRttToReplica(int node, int r) {
    return trueToReplica[node * replicaNodes.length + r];
  }

  /** True RTT in ms from the node of replica {@code r} back to {@code node}. */
  double trueRttFromReplica(int node, int r) {
    return trueFromReplica[node * replicaNodes.length + r];
  }

  /** Index of the replica with this endpoint id. */
  int replicaIndex(String endpointId) {
    Integer r = replicaById.get(endpointId);
    if (r == null) {
      throw new IllegalArgumentException("not a replica of this fog: " + endpointId);
    }
    return r;
  }

  /** The replicas as endpoints r0 … r(K−1), all ready, each with the configured capacity. */
  public List<ServiceReplica> endpoints() {
    return endpoints;
  }

  /** What {@code node} knows: its Vivaldi estimates to the replicas. */
  LocalView view(int node) {
    int k = replicaNodes.length;
    return LocalView.of(endpoints, e -> estimatedToReplica[node * k + replicaIndex(e.id())]);
  }
}
