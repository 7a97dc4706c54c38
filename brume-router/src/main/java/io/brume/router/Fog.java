package io.brume.router;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulated fog: N nodes with their true RTTs and their Vivaldi coordinates, K replicas placed
 * on some of them, and each node's request rate. Built once and shared by every policy's run so
 * that all policies see the same fog and the same demand.
 */
public final class Fog {

  private final double[][] trueRttMillis;
  private final double[][] estimatedRttMillis;
  private final int[] replicaNodes;
  private final double[] demandRps;
  private final List<ServiceReplica> endpoints;

  private Fog(
      double[][] trueRtt,
      double[][] estimated,
      int[] replicaNodes,
      double[] demand,
      double capacity) {
    this.trueRttMillis = trueRtt;
    this.estimatedRttMillis = estimated;
    this.replicaNodes = replicaNodes;
    this.demandRps = demand;
    List<ServiceReplica> list = new ArrayList<>();
    for (int r = 0; r < replicaNodes.length; r++) {
      list.add(ServiceReplica.ready(replicaId(r), capacity));
    }
    this.endpoints = List.copyOf(list);
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
    SplittableRandom random = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + 17);
    double[] uniform = new double[nodes];
    Arrays.fill(uniform, 1.0);
    int[] replicaNodes =
        switch (config.placement()) {
          case BALANCED -> ReplicaPlacement.balanced(estimated, uniform, config.replicas(), random);
          case RANDOM -> ReplicaPlacement.random(nodes, config.replicas(), random);
        };
    double totalRps = config.load() * config.replicas() * config.capacityRps();
    double[] demand = demand(trueRttMillis, replicaNodes, config.hotspot(), totalRps);
    return new Fog(trueRttMillis, estimated, replicaNodes, demand, config.capacityRps());
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
      double[][] rtt, int[] replicaNodes, double hotspot, double totalRps) {
    int nodes = rtt.length;
    double[] demand = new double[nodes];
    if (hotspot == 0) {
      Arrays.fill(demand, totalRps / nodes);
      return demand;
    }
    int[] cellOf = new int[nodes];
    int[] cellSize = new int[replicaNodes.length];
    for (int node = 0; node < nodes; node++) {
      cellOf[node] = ReplicaPlacement.nearest(rtt, node, replicaNodes);
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

  static String replicaId(int replica) {
    return "r" + replica;
  }

  /** Number of nodes. */
  public int nodes() {
    return trueRttMillis.length;
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
    return trueRttMillis[from][to];
  }

  /** Vivaldi-estimated RTT in ms between two nodes. */
  public double estimatedRttMillis(int from, int to) {
    return estimatedRttMillis[from][to];
  }

  /** The replicas as endpoints r0 … r(K−1), all ready, each with the configured capacity. */
  public List<ServiceReplica> endpoints() {
    return endpoints;
  }

  /**
   * What {@code node} knows: its Vivaldi estimates to the replicas ({@code oracle}: the true RTTs).
   */
  LocalView view(int node, boolean oracle) {
    double[][] rtt = oracle ? trueRttMillis : estimatedRttMillis;
    return LocalView.of(
        endpoints, e -> rtt[node][replicaNodes[Integer.parseInt(e.id().substring(1))]]);
  }
}
