package io.brume.router;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
      // Longest first, so that the longest run does not start last on an otherwise idle pool.
      List<String> byCost = new ArrayList<>(policyNames);
      byCost.sort(Comparator.comparingInt(RouteSimulator::expectedCost).reversed());
      Map<String, Future<PolicyResult>> runs = new HashMap<>();
      for (String name : byCost) {
        runs.put(name, executor.submit(() -> RouteSimulation.run(fog, config, name)));
      }
      for (String name : policyNames) {
        results.put(name, join(runs.get(name)));
      }
    }
    return new SimulationReport(results, RouteSimulation.runOracle(fog, config));
  }

  /**
   * Relative CPU cost of simulating a policy (JFR, 5,000 nodes): the ones with per-endpoint state
   * pay for every request and load report.
   */
  private static int expectedCost(String policyName) {
    return switch (policyName) {
      case "adaptive" -> 3;
      case "least-outstanding", "n-nearest-by-load" -> 2;
      default -> 1;
    };
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
