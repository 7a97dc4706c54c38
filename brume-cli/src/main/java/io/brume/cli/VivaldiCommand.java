package io.brume.cli;

import io.brume.coordinate.Checkpoint;
import io.brume.coordinate.EvaluationResult;
import io.brume.coordinate.ProbeSchedule;
import io.brume.coordinate.ReplayFile;
import io.brume.coordinate.RttMatrix;
import io.brume.coordinate.VivaldiConfig;
import io.brume.coordinate.VivaldiEvaluation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code brume vivaldi …}: Vivaldi network coordinates. */
@Command(
    name = "vivaldi",
    mixinStandardHelpOptions = true,
    description = "Vivaldi network coordinates.",
    subcommands = {VivaldiCommand.Eval.class, VivaldiAttackCommand.class})
final class VivaldiCommand {

  /** Which configuration {@code eval} simulates. */
  enum Algorithm {
    /** brume's tuned configuration, {@link VivaldiConfig#robust()}. */
    robust,
    /** Serf's defaults and schedule, {@link VivaldiConfig#defaults()}: the baseline. */
    serf
  }

  /** {@code brume vivaldi eval}: accuracy of Vivaldi on a real RTT matrix. */
  @Command(
      name = "eval",
      mixinStandardHelpOptions = true,
      description = {
        "Simulate every node probing peers for R rounds on an RTT matrix (RTTs from the matrix, optional"
            + " jitter), then compare predicted and measured RTTs over all known pairs.",
        "Datasets: a whitespace-separated square matrix in ms (entries <= 0, NaN or - are missing; above 10 s rejected),"
            + " or the AWS JSON format {\"data\": {src: {dst: ms}}}; the format is detected."
      })
  static final class Eval implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--dataset",
        required = true,
        paramLabel = "NAME|FILE",
        converter = DatasetConverter.class,
        description = DatasetConverter.HELP)
    RttMatrix matrix;

    @Option(
        names = "--dimensions",
        paramLabel = "N",
        description =
            "Euclidean dimensions (default: the configuration's, 8 for serf, 16 for robust).")
    @Nullable Integer dimensions;

    @Option(
        names = "--rounds",
        paramLabel = "R",
        description = "Rounds; in each, every node probes one peer (default ${DEFAULT-VALUE}).")
    int rounds = 1000;

    @Option(
        names = "--seed",
        paramLabel = "S",
        description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(
        names = "--config",
        paramLabel = "NAME",
        description =
            "robust (brume) or serf (Serf's defaults, the baseline) (default ${DEFAULT-VALUE}).")
    Algorithm algorithm = Algorithm.robust;

    @Option(
        names = "--jitter",
        paramLabel = "J",
        description =
            "Queueing jitter: each probe measures rtt*(1 + J*X), X exponential of mean 1 (default"
                + " ${DEFAULT-VALUE}).")
    double jitter = 0;

    @Option(
        names = "--replay-out",
        paramLabel = "FILE",
        description =
            "Also write the matrix, probe schedule and trials for bench/vivaldi's Serf harness.")
    @Nullable Path replayOut;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(
        names = "--set",
        paramLabel = "FIELD=VALUE",
        description =
            "Override one VivaldiConfig field of the chosen configuration (repeatable), e.g."
                + " --set fastStart=0s --set adjustmentWindowSize=20: for ablations. Durations"
                + " take ms, s or m (or ISO-8601).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(
        names = "--curve",
        description =
            "Also report the convergence curve: median, p90 and nearest-of-5 after 10, 20, 50, 100,"
                + " 200, 500, 1000, ... rounds (JSON field \"curve\").")
    boolean curve;

    @Option(
        names = "--defended",
        description =
            "Judge every sample with the agent's defence against lying peers (SampleGuard) before"
                + " it reaches Vivaldi; off by default, so the probes match Serf's replay.")
    boolean defended;

    @Override
    public Integer call() throws IOException {
      if (rounds < 1) {
        throw new ParameterException(spec.commandLine(), "--rounds must be >= 1, got " + rounds);
      }
      if (!(jitter >= 0) || Double.isInfinite(jitter)) {
        throw new ParameterException(
            spec.commandLine(), "--jitter must be finite and >= 0, got " + jitter);
      }
      VivaldiConfig config =
          algorithm == Algorithm.serf ? VivaldiConfig.defaults() : VivaldiConfig.robust();
      if (dimensions != null) {
        if (dimensions < 1 || dimensions > 64) {
          throw new ParameterException(
              spec.commandLine(), "--dimensions must be in [1, 64], got " + dimensions);
        }
        config = config.withDimensions(dimensions);
      }
      try {
        config = ConfigOverrides.apply(config, overrides);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--set: " + e.getMessage());
      }
      if (matrix.knownPairs() == 0) {
        throw new ParameterException(
            spec.commandLine(), "--dataset " + matrix.source() + " has no known pair");
      }
      ProbeSchedule schedule = ProbeSchedule.generate(matrix, config, rounds, seed, jitter);
      if (replayOut != null) {
        ReplayFile.write(replayOut, matrix, schedule, seed);
      }
      EvaluationResult r =
          VivaldiEvaluation.evaluate(
              matrix,
              config,
              schedule,
              seed,
              defended ? io.brume.coordinate.SampleGuard.Settings.defaults() : null);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(curve ? r.toJsonWithCurve() : r.toJson());
      } else {
        out.printf(
            Locale.ROOT,
            "dataset                %s%n"
                + "config                 %s, %d dimensions + height%n"
                + "nodes                  %d (%d known pairs)%n"
                + "rounds                 %d (seed %d, jitter %s)%n"
                + "median relative error  %.4f%n"
                + "p90 relative error     %.4f%n"
                + "nearest of 5           %s%n"
                + "rounds to 1.2x final   %d%n"
                + "stability              %.3f ms/round (median movement, last tenth)%n",
            matrix.source(),
            algorithm,
            config.dimensions(),
            r.nodes(),
            r.pairs(),
            r.rounds(),
            seed,
            jitter,
            r.medianRelativeError(),
            r.p90RelativeError(),
            r.nearestOf5Applies()
                ? String.format(Locale.ROOT, "%.4f", r.nearestOf5Accuracy())
                : "n/a (needs a node with 5 others at known RTTs: at least 6 nodes)",
            r.roundsTo1_2xFinalMedian(),
            r.stabilityMillisPerRound());
        if (curve) {
          printCurve(out, r);
        }
      }
      out.flush();
      return r.isFinite() ? 0 : 1;
    }

    private static void printCurve(PrintWriter out, EvaluationResult r) {
      out.println("convergence curve      rounds: median / p90 / nearest of 5");
      for (Checkpoint c : r.curve()) {
        out.printf(
            Locale.ROOT,
            "  %20d: %.4f / %.4f / %s%n",
            c.rounds(),
            c.medianRelativeError(),
            c.p90RelativeError(),
            Double.isNaN(c.nearestOf5Accuracy())
                ? "n/a"
                : String.format(Locale.ROOT, "%.4f", c.nearestOf5Accuracy()));
      }
    }
  }
}
