package io.brume.node;

import io.brume.coordinate.GuardedVivaldi;
import io.brume.coordinate.VivaldiClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;

/** The agent's meters, exposed in Prometheus text format at {@code /metrics}. */
final class AgentMetrics {
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final Counter probesSent = counter("brume.probes.sent", "Pings sent");
  final Counter probesAnswered =
      counter("brume.probes.answered", "Pongs received in time for a ping of ours");
  final Counter probeTimeouts =
      counter("brume.probes.timeouts", "Pings without a pong within the timeout");
  final Counter pongsSent = counter("brume.pongs.sent", "Pongs sent in answer to pings");
  final Counter pongsRateLimited =
      counter("brume.pongs.rate.limited", "Pings not answered: rate limit");
  final Counter malformedPackets =
      counter("brume.probe.packets.malformed", "Probe datagrams dropped as malformed");
  final Counter unknownSenders =
      counter("brume.probe.packets.unknown.sender", "Datagrams from names not in the peer list");
  final Counter unexpectedPongs =
      counter("brume.probe.pongs.unexpected", "Pongs for no pending ping (late or forged)");
  final Counter rejectedSamples =
      counter("brume.vivaldi.samples.rejected", "Samples refused by Vivaldi");
  final Counter unauthenticatedPackets =
      counter(
          "brume.probe.packets.unauthenticated",
          "Probe datagrams without a valid MAC under the cluster's probe keys");
  final Counter replayedPackets =
      counter(
          "brume.probe.packets.replayed",
          "Authentic probe datagrams refused as replays (seen before or outside the time window)");
  final Counter spoofedPackets =
      counter(
          "brume.probe.packets.spoofed",
          "Datagrams naming a configured peer but sent from another IP address");
  final Counter implausibleCoordinates =
      counter(
          "brume.vivaldi.coordinates.implausible",
          "Peer coordinates refused for impossible values (non-finite, negative height or error,"
              + " absurd magnitude)");
  final Counter contradictedSamples =
      counter(
          "brume.vivaldi.samples.contradicted",
          "Samples discarded: the claimed coordinate is far beyond the measured RTT");
  final Counter distrustedSamples =
      counter("brume.vivaldi.samples.distrusted", "Samples of distrusted peers discarded");
  final Counter malformedRequests =
      counter("brume.http.requests.malformed", "HTTP requests refused (4xx)");
  final Counter httpRequests = counter("brume.http.requests", "HTTP requests served");

  private final Supplier<Integer> knownPeers;

  AgentMetrics(VivaldiClient vivaldi, Supplier<Integer> knownPeers) {
    Gauge.builder("brume.vivaldi.error", vivaldi, v -> v.coordinate().error())
        .description("This node's Vivaldi error estimate")
        .register(registry);
    Gauge.builder("brume.vivaldi.resets", vivaldi, v -> v.resets())
        .description("Times the coordinate was invalid and reset")
        .register(registry);
    Gauge.builder("brume.vivaldi.updates", vivaldi, v -> v.stats().updates())
        .description("Samples applied to the coordinate")
        .register(registry);
    this.knownPeers = knownPeers; // gauges hold their object weakly
    Gauge.builder("brume.peers.known", this, m -> m.knownPeers.get())
        .description("Peers whose coordinate is known")
        .register(registry);
  }

  /** Gauges of the defence against lying peers. */
  void watch(GuardedVivaldi guarded, boolean authenticated) {
    Gauge.builder("brume.vivaldi.peers.distrusted", guarded, g -> g.stats().distrustedPeers())
        .description("Peers whose samples are ignored for now: their claims contradicted the RTT")
        .register(registry);
    Gauge.builder("brume.probe.authenticated", guarded, g -> authenticated ? 1 : 0)
        .description("1 if probes are authenticated with the cluster's probe keys, 0 if not")
        .register(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  String scrape() {
    return registry.scrape();
  }
}
