package io.brume.router;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Discrete-event simulation of one policy on a {@link Fog}.
 *
 * <p>Clients on node i issue requests as a Poisson process of rate λ_i; each request draws an
 * exponential service time. The node's own policy instance (the real policy code) picks a replica
 * from its {@link LocalView}, which holds the node's Vivaldi estimates to the replicas. The request
 * travels half the true RTT to the replica, waits in the replica's FIFO queue for one of its
 * workers, is served, travels back half the RTT; its latency is the whole span. The policy hears
 * {@code requestStarted} when it routes and {@code requestFinished} with that latency when the
 * response arrives. Every report interval each replica's offered load u = (arrivals in the interval
 * / interval) / capacity, smoothed as u ← (u + u_interval)/2, is delivered to every node's {@code
 * loadReported}.
 *
 * <p>Arrivals and service times come from per-node random streams seeded by the config, so every
 * policy faces the same requests (common random numbers); routing randomness has its own stream.
 *
 * <p>The oracle ({@link #runOracle}) is not simulated: it replays the same arrivals and service
 * times and gives every request the latency it would have at the truly nearest replica with no
 * queueing. Each request of any policy takes at least that long, so the oracle's mean and
 * percentiles are a floor no policy can go below.
 */
final class RouteSimulation {

  private static final int ARRIVAL = 0;
  private static final int AT_REPLICA = 1;
  private static final int SERVED = 2;
  private static final int RESPONSE = 3;
  private static final int REPORT = 4;

  private final Fog fog;
  private final SimulationConfig config;
  private final RoutingPolicy[] policies;
  private final LocalView[] views;
  private final SplittableRandom[] nodeRandom;
  private final SplittableRandom routeRandom;
  private final Replica[] replicas;
  private final String[] replicaIds;
  private final EventQueue events = new EventQueue();
  private final Requests requests = new Requests();
  private double now;
  private double[] latencies = new double[1 << 16];
  private int measured;

  private RouteSimulation(
      Fog fog, SimulationConfig config, Function<InstantSource, RoutingPolicy> policyFactory) {
    this.fog = fog;
    this.config = config;
    InstantSource clock = () -> Instant.EPOCH.plusNanos(Math.round(now * 1e6));
    policies = new RoutingPolicy[fog.nodes()];
    views = new LocalView[fog.nodes()];
    nodeRandom = new SplittableRandom[fog.nodes()];
    SplittableRandom arrivals = new SplittableRandom(config.seed());
    for (int node = 0; node < fog.nodes(); node++) {
      policies[node] = policyFactory.apply(clock);
      views[node] = fog.view(node);
      nodeRandom[node] = arrivals.split();
    }
    routeRandom = new SplittableRandom(config.seed() + 0x5DEECE66DL);
    replicas = new Replica[fog.replicas()];
    replicaIds = new String[fog.replicas()];
    for (int r = 0; r < replicas.length; r++) {
      replicas[r] = new Replica();
      replicaIds[r] = Fog.replicaId(r);
    }
  }

  /** Runs the named policy, routing on Vivaldi estimates. */
  static PolicyResult run(Fog fog, SimulationConfig config, String policyName) {
    RoutingPolicies.Options options = options(config, InstantSource.system());
    RoutingPolicies.create(policyName, options); // fail fast on a bad name or parameter
    return new RouteSimulation(
            fog, config, clock -> RoutingPolicies.create(policyName, options(config, clock)))
        .simulate();
  }

  /**
   * The oracle, a floor under every policy: the same requests as {@link #run} (same per-node
   * streams, drawn in the same order), each with latency = true RTT to and from the truly nearest
   * replica + its own service time, never queueing. Its load columns are those of sending every
   * request to its truly nearest replica.
   */
  static PolicyResult runOracle(Fog fog, SimulationConfig config) {
    double end = config.durationSeconds() * 1000;
    double warmup = config.warmupSeconds() * 1000;
    double[] latencies = new double[1 << 16];
    int measured = 0;
    long[] measuredArrivals = new long[fog.replicas()];
    SplittableRandom arrivals = new SplittableRandom(config.seed());
    for (int node = 0; node < fog.nodes(); node++) {
      SplittableRandom random = arrivals.split();
      double rate = fog.demandRps(node) / 1000; // per ms
      if (!(rate > 0)) {
        continue;
      }
      int nearest = 0;
      double network = Double.POSITIVE_INFINITY;
      for (int r = 0; r < fog.replicas(); r++) {
        double there = fog.trueRttToReplica(node, r) / 2 + fog.trueRttFromReplica(node, r) / 2;
        if (there < network) {
          network = there;
          nearest = r;
        }
      }
      for (double t = 0 - Math.log(1 - random.nextDouble()) / rate;
          t < end;
          t = t - Math.log(1 - random.nextDouble()) / rate) {
        double service = -Math.log(1 - random.nextDouble()) * config.serviceTimeMillis();
        if (t >= warmup) {
          if (measured == latencies.length) {
            latencies = Arrays.copyOf(latencies, measured * 2);
          }
          latencies[measured++] = network + service;
          measuredArrivals[nearest]++;
        }
      }
    }
    return result(config, latencies, measured, measuredArrivals);
  }

  private static RoutingPolicies.Options options(SimulationConfig config, InstantSource clock) {
    return new RoutingPolicies.Options(config.alpha(), config.n(), config.adaptive(), clock);
  }

  private PolicyResult simulate() {
    double end = config.durationSeconds() * 1000;
    for (int node = 0; node < fog.nodes(); node++) {
      scheduleArrival(node, 0);
    }
    events.add(config.reportIntervalMillis(), REPORT, -1);
    while (!events.isEmpty()) {
      events.poll();
      now = events.time();
      int payload = events.payload();
      switch (events.type()) {
        case ARRIVAL -> arrive(payload, end);
        case AT_REPLICA -> replicas[requests.replica[payload]].enqueue(payload);
        case SERVED -> replicas[requests.replica[payload]].finish(payload);
        case RESPONSE -> respond(payload);
        case REPORT -> report(end);
        default -> throw new IllegalStateException("unknown event type " + events.type());
      }
    }
    return result();
  }

  private void scheduleArrival(int node, double after) {
    double rate = fog.demandRps(node) / 1000; // per ms
    if (rate > 0) {
      events.add(after - Math.log(1 - nodeRandom[node].nextDouble()) / rate, ARRIVAL, node);
    }
  }

  private void arrive(int node, double end) {
    if (now >= end) {
      return;
    }
    double service = -Math.log(1 - nodeRandom[node].nextDouble()) * config.serviceTimeMillis();
    scheduleArrival(node, now);
    ServiceReplica endpoint = policies[node].choose(views[node], routeRandom);
    int replica = fog.replicaIndex(endpoint.id());
    boolean measuredRequest = now >= config.warmupSeconds() * 1000;
    int request = requests.add(node, replica, now, service, measuredRequest);
    policies[node].requestStarted(endpoint.id());
    replicas[replica].arrivals++;
    if (measuredRequest) {
      replicas[replica].measuredArrivals++;
    }
    events.add(now + fog.trueRttToReplica(node, replica) / 2, AT_REPLICA, request);
  }

  private void respond(int request) {
    double latency = now - requests.issuedAt[request];
    int node = requests.node[request];
    int replica = requests.replica[request];
    boolean measuredRequest = requests.measured[request];
    requests.free(request);
    policies[node].requestFinished(replicaIds[replica], latency);
    if (measuredRequest) {
      if (measured == latencies.length) {
        latencies = Arrays.copyOf(latencies, measured * 2);
      }
      latencies[measured++] = latency;
    }
  }

  private void report(double end) {
    double interval = config.reportIntervalMillis();
    for (Replica replica : replicas) {
      double instant = replica.arrivals / (interval / 1000) / config.capacityRps();
      replica.utilisation = (replica.utilisation + instant) / 2;
      replica.arrivals = 0;
    }
    // Node by node (each node hears the replicas in order, as before): one node's policy state
    // stays in cache for its K reports.
    for (RoutingPolicy policy : policies) {
      for (int r = 0; r < replicas.length; r++) {
        policy.loadReported(replicaIds[r], replicas[r].utilisation);
      }
    }
    if (now + interval < end) {
      events.add(now + interval, REPORT, -1);
    }
  }

  private PolicyResult result() {
    long[] measuredArrivals = new long[replicas.length];
    for (int r = 0; r < replicas.length; r++) {
      measuredArrivals[r] = replicas[r].measuredArrivals;
    }
    return result(config, latencies, measured, measuredArrivals);
  }

  private static PolicyResult result(
      SimulationConfig config, double[] latencies, int measured, long[] measuredArrivals) {
    if (measured == 0) {
      throw new IllegalStateException(
          "route simulation measured no request: raise the duration or the load");
    }
    double[] sorted = Arrays.copyOf(latencies, measured);
    Arrays.sort(sorted);
    double mean = Arrays.stream(sorted).average().orElseThrow();
    double window = config.durationSeconds() - config.warmupSeconds();
    double[] utilisation = new double[measuredArrivals.length];
    for (int r = 0; r < measuredArrivals.length; r++) {
      utilisation[r] = measuredArrivals[r] / window / config.capacityRps();
    }
    double max = Arrays.stream(utilisation).max().orElseThrow();
    double meanUtilisation = Arrays.stream(utilisation).average().orElseThrow();
    return new PolicyResult(
        mean,
        percentile(sorted, 0.95),
        percentile(sorted, 0.99),
        max / meanUtilisation,
        max,
        measured);
  }

  private static double percentile(double[] sorted, double p) {
    return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
  }

  /** One replica: FIFO queue in front of {@code serversPerReplica} workers. */
  private final class Replica {
    private int[] queue = new int[16]; // FIFO ring of request ids
    private int queueHead;
    private int queued;
    int busy;
    long arrivals;
    long measuredArrivals;
    double utilisation;

    void enqueue(int request) {
      if (busy < config.serversPerReplica()) {
        busy++;
        events.add(now + requests.serviceMillis[request], SERVED, request);
      } else {
        if (queued == queue.length) {
          int[] grown = new int[queue.length * 2];
          for (int i = 0; i < queued; i++) {
            grown[i] = queue[(queueHead + i) % queue.length];
          }
          queue = grown;
          queueHead = 0;
        }
        queue[(queueHead + queued++) % queue.length] = request;
      }
    }

    void finish(int request) {
      events.add(
          now + fog.trueRttFromReplica(requests.node[request], requests.replica[request]) / 2,
          RESPONSE,
          request);
      if (queued == 0) {
        busy--;
      } else {
        int next = queue[queueHead];
        queueHead = (queueHead + 1) % queue.length;
        queued--;
        events.add(now + requests.serviceMillis[next], SERVED, next);
      }
    }
  }

  /** Requests in flight, by id, in primitive arrays; ids of answered requests are reused. */
  private static final class Requests {
    int[] node = new int[1024];
    int[] replica = new int[1024];
    double[] issuedAt = new double[1024];
    double[] serviceMillis = new double[1024];
    boolean[] measured = new boolean[1024];
    private int[] free = new int[0];
    private int freeCount;
    private int used;

    int add(int fromNode, int toReplica, double at, double service, boolean measuredRequest) {
      int id;
      if (freeCount > 0) {
        id = free[--freeCount];
      } else {
        if (used == node.length) {
          int capacity = used * 2;
          node = Arrays.copyOf(node, capacity);
          replica = Arrays.copyOf(replica, capacity);
          issuedAt = Arrays.copyOf(issuedAt, capacity);
          serviceMillis = Arrays.copyOf(serviceMillis, capacity);
          measured = Arrays.copyOf(measured, capacity);
        }
        id = used++;
      }
      node[id] = fromNode;
      replica[id] = toReplica;
      issuedAt[id] = at;
      serviceMillis[id] = service;
      measured[id] = measuredRequest;
      return id;
    }

    void free(int id) {
      if (freeCount == free.length) {
        free = Arrays.copyOf(free, Math.max(1024, free.length * 2));
      }
      free[freeCount++] = id;
    }
  }
}
