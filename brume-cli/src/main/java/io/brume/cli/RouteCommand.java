package io.brume.cli;

import io.brume.coordinate.RttMatrix;
import io.brume.router.Fog;
import io.brume.router.FogDatasets;
import io.brume.router.RouteSimulator;
import io.brume.router.RoutingPolicies;
import io.brume.router.SimulationConfig;
import io.brume.router.SimulationReport;
import io.brume.router.SiteExpansion;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brume route …}: proximity-aware service routing. */
@Command(
    name = "route",
    mixinStandardHelpOptions = true,
    description = "Proximity-aware service routing.",
    subcommands = {RouteCommand.Sim.class})
final class RouteCommand {

  /** {@code brume route sim}: the discrete-event routing simulation of {@link RouteSimulator}. */
  @Command(
      name = "sim",
      mixinStandardHelpOptions = true,
      description = {
        "Simulate routing policies on a fog built from an RTT matrix: clients on every node, K replicas,"
            + " routing on Vivaldi coordinates computed by brume-coordinate, latency = RTT + queueing +"
            + " service. The oracle is a floor: every request at its truly nearest replica, never"
            + " queueing.",
        "Policies: "
            + "random, round-robin, least-outstanding, nearest, n-nearest-by-load,"
            + " proximity-alpha, adaptive, or all."
      })
  static final class Sim implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--dataset",
        required = true,
        paramLabel = "NAME|FILE",
        converter = DatasetConverter.class,
        description = DatasetConverter.HELP)
    RttMatrix dataset;

    @Option(
        names = "--nodes",
        paramLabel = "N",
        description = "Nodes drawn from the data set (default ${DEFAULT-VALUE}).")
    int nodes = SimulationConfig.defaults().nodes();

    @Option(
        names = "--expand",
        paramLabel = "K",
        description =
            "Make every node of the data set a site of K fog nodes, 1-5 ms apart within a site"
                + " (seeded; docs/bench/routing.md); --nodes then draws from sites x K"
                + " (default ${DEFAULT-VALUE}: the data set's nodes).")
    int expand = 1;

    @Option(
        names = "--replicas",
        paramLabel = "K",
        description = "Replicas (default ${DEFAULT-VALUE}).")
    int replicas = SimulationConfig.defaults().replicas();

    @Option(
        names = "--policy",
        paramLabel = "NAME",
        description = "A policy name or 'all' (default ${DEFAULT-VALUE}).")
    String policy = "all";

    @Option(
        names = "--alpha",
        paramLabel = "A",
        description = "α of proximity-alpha, in [0, 1] (default ${DEFAULT-VALUE}).")
    double alpha = SimulationConfig.defaults().alpha();

    @Option(
        names = "--n",
        paramLabel = "N",
        description = "n of n-nearest-by-load (default ${DEFAULT-VALUE}).")
    int n = SimulationConfig.defaults().n();

    @Option(
        names = "--load",
        paramLabel = "RHO",
        description = "Offered load over total capacity, in (0, 1) (default ${DEFAULT-VALUE}).")
    double load = SimulationConfig.defaults().load();

    @Option(
        names = "--hotspot",
        paramLabel = "F",
        description =
            "Fraction of all requests issued by one region (the cell of the replica serving the most nodes);"
                + " 0 = uniform (default ${DEFAULT-VALUE}).")
    double hotspot = 0;

    @Option(
        names = "--placement",
        paramLabel = "KIND",
        description = "Replica placement: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    SimulationConfig.Placement placement = SimulationConfig.Placement.BALANCED;

    @Option(
        names = "--duration",
        paramLabel = "SECONDS",
        description =
            "Simulated seconds of requests, the first sixth is warm-up (default ${DEFAULT-VALUE}).")
    double duration = SimulationConfig.defaults().durationSeconds();

    @Option(
        names = "--seed",
        paramLabel = "S",
        description = "Seed of every random choice (default ${DEFAULT-VALUE}).")
    long seed = SimulationConfig.defaults().seed();

    @Option(names = "--json", description = "Print {\"policies\": {NAME: {…}}} instead of a table.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      SimulationConfig config =
          SimulationConfig.defaults()
              .withTopology(nodes, replicas, placement)
              .withDemand(load, hotspot)
              .withPolicyParameters(alpha, n)
              .withDuration(duration, duration / 6)
              .withSeed(seed);
      List<String> names = "all".equals(policy) ? RoutingPolicies.NAMES : List.of(policy);
      if (!RoutingPolicies.NAMES.containsAll(names)) {
        throw new IllegalArgumentException(
            "unknown policy '" + policy + "', expected 'all' or one of " + RoutingPolicies.NAMES);
      }
      // (--expand below 1 is SiteExpansion's to reject, naming it.)
      if (expand >= 1 && (long) nodes > (long) dataset.size() * expand) {
        throw new UserException(
            "--nodes "
                + nodes
                + " is more than the "
                + (long) dataset.size() * expand
                + " nodes of --dataset "
                + dataset.source()
                + (expand > 1 ? " with --expand " + expand : ""));
      }
      Fog fog = FogDatasets.load(dataset, config, new SiteExpansion(expand));
      SimulationReport report = RouteSimulator.simulate(fog, config, names);
      PrintWriter out = spec.commandLine().getOut();
      out.print(json ? report.toJson() + System.lineSeparator() : report.toTable());
      out.flush();
      return 0;
    }
  }
}
