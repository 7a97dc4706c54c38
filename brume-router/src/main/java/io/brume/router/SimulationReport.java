package io.brume.router;

import io.brume.coordinate.JsonNumbers;
import java.util.Locale;
import java.util.Map;

/**
 * Results of {@link RouteSimulator#simulate}, one per policy, and the oracle's.
 *
 * @param policies results by policy name, in the order simulated
 * @param oracle the oracle's result, a floor under every policy: each request's latency at the
 *     truly nearest replica without queueing (its load columns: every request sent there)
 */
public record SimulationReport(Map<String, PolicyResult> policies, PolicyResult oracle) {

  /** Copies the map, keeping its order. */
  public SimulationReport {
    policies = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(policies));
  }

  /**
   * {@code {"policies": {NAME: {"mean_latency_ms": …, "p95_latency_ms": …, "p99_latency_ms": …,
   * "max_mean_load": …, "oracle_mean_latency_ms": …}}}}, exactly these fields; a value that is not
   * a number is {@code null}, so the output is always valid JSON.
   */
  public String toJson() {
    StringBuilder json = new StringBuilder("{\"policies\": {");
    String separator = "";
    for (Map.Entry<String, PolicyResult> entry : policies.entrySet()) {
      PolicyResult r = entry.getValue();
      json.append(separator)
          .append('"')
          .append(entry.getKey())
          .append("\": {")
          .append(field("mean_latency_ms", r.meanLatencyMillis()))
          .append(", ")
          .append(field("p95_latency_ms", r.p95LatencyMillis()))
          .append(", ")
          .append(field("p99_latency_ms", r.p99LatencyMillis()))
          .append(", ")
          .append(field("max_mean_load", r.maxMeanLoad()))
          .append(", ")
          .append(field("oracle_mean_latency_ms", oracle.meanLatencyMillis()))
          .append('}');
      separator = ", ";
    }
    return json.append("}}").toString();
  }

  /** A fixed-width table for humans, with the busiest replica's utilisation as an extra column. */
  public String toTable() {
    StringBuilder table =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%-18s %10s %10s %10s %10s %9s%n",
                "policy",
                "mean_ms",
                "p95_ms",
                "p99_ms",
                "max/mean",
                "max_util"));
    policies.forEach((name, r) -> table.append(row(name, r)));
    table.append(row("(oracle)", oracle));
    return table.toString();
  }

  private static String row(String name, PolicyResult r) {
    return String.format(
        Locale.ROOT,
        "%-18s %10.2f %10.2f %10.2f %10.3f %9.3f%n",
        name,
        r.meanLatencyMillis(),
        r.p95LatencyMillis(),
        r.p99LatencyMillis(),
        r.maxMeanLoad(),
        r.maxUtilisation());
  }

  private static String field(String name, double value) {
    return "\"" + name + "\": " + JsonNumbers.format(value, 3);
  }
}
