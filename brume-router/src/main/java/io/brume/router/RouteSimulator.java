package io.brume.router;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs several policies and the oracle on one {@link Fog}: the library behind {@code brume route
 * sim}.
 */
public final class RouteSimulator {

  private RouteSimulator() {}

  /**
   * Simulates each named policy (see {@link RoutingPolicies#NAMES}) and the oracle on the same fog
   * and demand.
   *
   * @throws IllegalArgumentException if a name is unknown
   */
  public static SimulationReport simulate(
      Fog fog, SimulationConfig config, List<String> policyNames) {
    Map<String, PolicyResult> results = new LinkedHashMap<>();
    for (String name : policyNames) {
      results.put(name, RouteSimulation.run(fog, config, name));
    }
    return new SimulationReport(results, RouteSimulation.runOracle(fog, config));
  }
}
