package io.brume.cli;

import io.brume.coordinate.AttackSimulation;
import io.brume.coordinate.RttMatrix;
import io.brume.coordinate.SampleGuard;
import io.brume.coordinate.VivaldiConfig;
import io.brume.router.FogDatasets;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code brume vivaldi attack}: lying peers against Vivaldi, with and without the defence. */
@Command(
    name = "attack",
    mixinStandardHelpOptions = true,
    description = {
      "Simulate k lying peers among the nodes of an RTT matrix (the real Vivaldi client, one round per"
          + " second): honest rounds, then the liars answer probes with a lie, then honest rounds"
          + " again. Prints the median relative error over honest pairs before, during and after,"
          + " and the rounds needed to recover, with the defence (SampleGuard) and without."
    })
final class VivaldiAttackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dataset", paramLabel = "FILE", required = true, description = "RTT matrix.")
  Path dataset;

  @Option(
      names = "--nodes",
      paramLabel = "N",
      description = "Use N nodes of the matrix chosen by the seed (default: all).")
  @Nullable Integer nodes;

  @Option(
      names = "--liars",
      paramLabel = "K,…",
      split = ",",
      description = "Numbers of liars to try (default: ${DEFAULT-VALUE}).")
  List<Integer> liars = new ArrayList<>(List.of(1, 3));

  @Option(
      names = "--lie",
      paramLabel = "far|random|inflate",
      split = ",",
      description = "What liars claim (default: all three).")
  List<AttackSimulation.Lie> lies = new ArrayList<>(List.of(AttackSimulation.Lie.values()));

  @Option(
      names = "--before",
      paramLabel = "R",
      description = "Honest rounds first (default ${DEFAULT-VALUE}).")
  int before = 600;

  @Option(
      names = "--during",
      paramLabel = "R",
      description = "Attack rounds (default ${DEFAULT-VALUE}).")
  int during = 300;

  @Option(
      names = "--after",
      paramLabel = "R",
      description = "Honest rounds after (default ${DEFAULT-VALUE}).")
  int after = 300;

  @Option(names = "--seed", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(
      names = "--config",
      paramLabel = "robust|serf",
      description = "Vivaldi configuration (default ${DEFAULT-VALUE}).")
  VivaldiCommand.Algorithm algorithm = VivaldiCommand.Algorithm.robust;

  @Option(names = "--json", description = "One JSON object per line instead of a table.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (before < 1 || during < 0 || after < 1) {
      throw new ParameterException(
          spec.commandLine(), "--before and --after must be >= 1 and --during >= 0");
    }
    RttMatrix matrix;
    try {
      matrix = RttMatrix.load(dataset);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--dataset: " + e.getMessage());
    }
    if (nodes != null) {
      if (nodes < 2 || nodes > matrix.size()) {
        throw new ParameterException(
            spec.commandLine(), "--nodes must be in [2, " + matrix.size() + "], got " + nodes);
      }
      matrix = matrix.subset(FogDatasets.sample(matrix.size(), nodes, seed));
    }
    for (int k : liars) {
      if (k < 0 || k >= matrix.size()) {
        throw new ParameterException(
            spec.commandLine(), "--liars must be in [0, " + (matrix.size() - 1) + "], got " + k);
      }
    }
    VivaldiConfig config =
        algorithm == VivaldiCommand.Algorithm.serf
            ? VivaldiConfig.defaults()
            : VivaldiConfig.robust();
    PrintWriter out = spec.commandLine().getOut();
    if (!json) {
      out.printf(
          Locale.ROOT,
          "%s, %d nodes, %s config, rounds %d honest + %d attack + %d honest, seed %d%n"
              + "%-8s %5s %-8s %8s %10s %10s %9s %11s %12s %9s %7s%n",
          dataset,
          matrix.size(),
          algorithm,
          before,
          during,
          after,
          seed,
          "lie",
          "liars",
          "defence",
          "before",
          "during-end",
          "during-max",
          "after-end",
          "recover(s)",
          "max-norm(ms)",
          "distrusts",
          "honest");
    }
    for (AttackSimulation.Lie lie : lies) {
      for (int k : liars) {
        for (boolean defended : new boolean[] {false, true}) {
          AttackSimulation.Outcome o =
              AttackSimulation.run(
                  matrix,
                  config,
                  new AttackSimulation.Scenario(
                      k,
                      lie,
                      before,
                      during,
                      after,
                      defended ? SampleGuard.Settings.defaults() : null,
                      seed));
          String name = lie.name().toLowerCase(Locale.ROOT);
          if (json) {
            String head =
                String.format(
                    Locale.ROOT,
                    "{\"lie\":\"%s\",\"liars\":%d,\"nodes\":%d,\"defence\":%b,",
                    name,
                    k,
                    matrix.size(),
                    defended);
            out.println(head + o.toJson().substring(1));
          } else {
            out.printf(
                Locale.ROOT,
                "%-8s %5d %-8s %8.4f %10.4f %10.4f %9.4f %11s %12.1f %9d %7d%n",
                name,
                k,
                defended ? "on" : "off",
                o.before(),
                o.duringEnd(),
                o.duringMax(),
                o.afterEnd(),
                o.roundsToRecover() < 0 ? "never" : Integer.toString(o.roundsToRecover()),
                o.maxNormMillis(),
                o.distrustEvents(),
                o.honestDistrusted());
          }
        }
      }
    }
    out.flush();
    return 0;
  }
}
