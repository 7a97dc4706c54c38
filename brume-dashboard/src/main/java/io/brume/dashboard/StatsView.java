package io.brume.dashboard;

import java.util.List;
import java.util.Objects;

/**
 * Latency and load per compared policy.
 *
 * @param brumePolicy the name of brume's own policy among {@code policies}, highlighted on the page
 * @param uptimeSeconds seconds since the traffic started
 * @param policies one entry per compared policy, in display order
 * @param emulationLagMillis for an emulated network, how late its delay relays deliver (ms, mean
 *     over the last second): the part of every latency due to a busy machine; NaN for a real
 *     network
 */
public record StatsView(
    String brumePolicy,
    double uptimeSeconds,
    List<PolicyStats> policies,
    double emulationLagMillis) {

  /** Copies the list. */
  public StatsView {
    Objects.requireNonNull(brumePolicy, "brumePolicy");
    policies = List.copyOf(policies);
  }
}
