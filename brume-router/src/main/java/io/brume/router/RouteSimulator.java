package io.brume.router;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs several policies and the oracle on one {@link Fog}: the library behind {@code brume route
 * sim}.
 */
public final class RouteSimulator {

  private RouteSimulator() {}

  /**
   * Simulates each named policy (see {@link RoutingPolicies#NAMES}) and the oracle on the same fog
   * and demand. The policies' runs are independent (each has its own policies, clock and random
   * streams), so they run side by side, one per processor; the result does not depend on it.
   *
   * @throws IllegalArgumentException if a name is unknown
   */
  public static SimulationReport simulate(
      Fog fog, SimulationConfig config, List<String> policyNames) {
    for (String name : policyNames) {
      // fail fast on a bad name or parameter, before any run starts
      RoutingPolicies.create(
          name,
          new RoutingPolicies.Options(
              config.alpha(), config.n(), config.adaptive(), InstantSource.system()));
    }
    int parallelism = Math.max(1, Runtime.getRuntime().availableProcessors());
    Map<String, PolicyResult> results = new LinkedHashMap<>();
    try (ExecutorService executor = Executors.newFixedThreadPool(parallelism)) {
      List<Future<PolicyResult>> runs = new ArrayList<>();
      for (String name : policyNames) {
        runs.add(executor.submit(() -> RouteSimulation.run(fog, config, name)));
      }
      for (int i = 0; i < runs.size(); i++) {
        results.put(policyNames.get(i), join(runs.get(i)));
      }
    }
    return new SimulationReport(results, RouteSimulation.runOracle(fog, config));
  }

  private static PolicyResult join(Future<PolicyResult> run) {
    try {
      return run.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("route simulation interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("route simulation failed", e.getCause());
    }
  }
}
