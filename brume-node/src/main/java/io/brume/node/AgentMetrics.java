package io.brume.node;

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

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  String scrape() {
    return registry.scrape();
  }
}
