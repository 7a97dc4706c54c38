package io.brume.router;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

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
  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private double now;
  private long sequence;
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
    schedule(config.reportIntervalMillis(), REPORT, -1, null);
    while (!events.isEmpty()) {
      Event event = events.poll();
      now = event.time;
      switch (event.type) {
        case ARRIVAL -> arrive(event.index, end);
        case AT_REPLICA ->
            replicas[Objects.requireNonNull(event.request).replica].enqueue(
                Objects.requireNonNull(event.request));
        case SERVED ->
            replicas[Objects.requireNonNull(event.request).replica].finish(
                Objects.requireNonNull(event.request));
        case RESPONSE -> respond(Objects.requireNonNull(event.request));
        case REPORT -> report(end);
        default -> throw new IllegalStateException("unknown event type " + event.type);
      }
    }
    return result();
  }

  private void scheduleArrival(int node, double after) {
    double rate = fog.demandRps(node) / 1000; // per ms
    if (rate > 0) {
      schedule(after - Math.log(1 - nodeRandom[node].nextDouble()) / rate, ARRIVAL, node, null);
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
    Request request =
        new Request(node, replica, now, service, now >= config.warmupSeconds() * 1000);
    policies[node].requestStarted(endpoint.id());
    replicas[replica].arrivals++;
    if (request.measured) {
      replicas[replica].measuredArrivals++;
    }
    schedule(now + fog.trueRttToReplica(node, replica) / 2, AT_REPLICA, -1, request);
  }

  private void respond(Request request) {
    double latency = now - request.issuedAt;
    policies[request.node].requestFinished(replicaIds[request.replica], latency);
    if (request.measured) {
      if (measured == latencies.length) {
        latencies = Arrays.copyOf(latencies, measured * 2);
      }
      latencies[measured++] = latency;
    }
  }

  private void report(double end) {
    double interval = config.reportIntervalMillis();
    for (int r = 0; r < replicas.length; r++) {
      Replica replica = replicas[r];
      double instant = replica.arrivals / (interval / 1000) / config.capacityRps();
      replica.utilisation = (replica.utilisation + instant) / 2;
      replica.arrivals = 0;
      for (RoutingPolicy policy : policies) {
        policy.loadReported(replicaIds[r], replica.utilisation);
      }
    }
    if (now + interval < end) {
      schedule(now + interval, REPORT, -1, null);
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

  private void schedule(double time, int type, int index, @Nullable Request request) {
    events.add(new Event(time, sequence++, type, index, request));
  }

  /** One replica: FIFO queue in front of {@code serversPerReplica} workers. */
  private final class Replica {
    final ArrayDeque<Request> queue = new ArrayDeque<>();
    int busy;
    long arrivals;
    long measuredArrivals;
    double utilisation;

    void enqueue(Request request) {
      if (busy < config.serversPerReplica()) {
        busy++;
        schedule(now + request.serviceMillis, SERVED, -1, request);
      } else {
        queue.add(request);
      }
    }

    void finish(Request request) {
      schedule(
          now + fog.trueRttFromReplica(request.node, request.replica) / 2, RESPONSE, -1, request);
      Request next = queue.poll();
      if (next == null) {
        busy--;
      } else {
        schedule(now + next.serviceMillis, SERVED, -1, next);
      }
    }
  }

  private record Request(
      int node, int replica, double issuedAt, double serviceMillis, boolean measured) {}

  private record Event(double time, long sequence, int type, int index, @Nullable Request request)
      implements Comparable<Event> {
    @Override
    public int compareTo(Event other) {
      int byTime = Double.compare(time, other.time);
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }
}
