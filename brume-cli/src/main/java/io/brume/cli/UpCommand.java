package io.brume.cli;

import io.brume.coordinate.RttDatasets;
import io.brume.coordinate.RttMatrix;
import io.brume.dashboard.DashboardServer;
import io.brume.dashboard.PolicyStats;
import io.brume.emulation.EmulatedFog;
import io.brume.emulation.FogConfig;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brume up}: an emulated fog on this machine and its live dashboard. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Start an emulated fog on this machine and serve a live dashboard at http://127.0.0.1:PORT/.",
      "All nodes run in this one JVM (lighter than one process per node); they talk over real"
          + " loopback sockets through user-space delay relays that hold every datagram (probes) and"
          + " byte chunk (HTTP) for half the pair's RTT from the data set, so netem is not needed.",
      "Each node runs the production node agent (its UDP probes, Vivaldi coordinates and HTTP API,"
          + " whose address GET /api/nodes gives as agent_url); a demo HTTP service has replicas on spread-out"
          + " nodes; client load from every node is routed twice, by 'random' (what kube-proxy"
          + " does) and by brume's policy, on identical traffic.",
      "Stops after --duration, or on Ctrl-C; either way every thread and socket is released."
    })
final class UpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--nodes",
      paramLabel = "N",
      description = "Nodes, spread over the data set (default ${DEFAULT-VALUE}).")
  int nodes = 12;

  @Option(
      names = "--dataset",
      paramLabel = "NAME|FILE",
      converter = DatasetConverter.class,
      description = DatasetConverter.HELP + " Default: 12 well-spread AWS regions.")
  RttMatrix dataset;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Dashboard port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 picks a free one).")
  int port = 7070;

  @Option(
      names = "--duration",
      paramLabel = "D",
      converter = DurationConverter.class,
      description = "Stop after this long, e.g. 30s, 2m, 1h (default: until Ctrl-C).")
  Duration duration;

  @Option(names = "--no-open", description = "Do not open the dashboard in a browser.")
  boolean noOpen;

  @Option(
      names = "--replicas",
      paramLabel = "K",
      description = "Replicas of the demo service (default ${DEFAULT-VALUE}).")
  int replicas = 3;

  @Option(
      names = "--rate",
      paramLabel = "RPS",
      description = "Requests per second from every node (default ${DEFAULT-VALUE}).")
  double rate = 2.0;

  @Option(
      names = "--policy",
      paramLabel = "NAME",
      description = "brume's policy compared with random (default ${DEFAULT-VALUE}).")
  String policy = "adaptive";

  /** Rejects bad flag values naming the flag (FogConfig's own checks name its fields). */
  private void checkOptions(RttMatrix data) {
    if (nodes < 2 || nodes > data.size()) {
      throw new UserException(
          "--nodes must be in 2.." + data.size() + " (the data set's size), got " + nodes);
    }
    if (replicas < 1 || replicas > nodes) {
      throw new UserException(
          "--replicas must be in 1.." + nodes + " (at most --nodes), got " + replicas);
    }
    if (!(rate > 0 && rate <= 1000)) {
      throw new UserException("--rate must be in (0, 1000] requests/s per node, got " + rate);
    }
    if (port < 0 || port > 65_535) {
      throw new UserException("--port must be in 0..65535 (0 picks a free one), got " + port);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    RttMatrix data = dataset == null ? RttDatasets.aws12() : dataset;
    FogConfig.requireEveryPair(data); // before the flags: --nodes is checked against a usable set
    checkOptions(data);
    FogConfig defaults = FogConfig.defaults(data, nodes);
    FogConfig config =
        new FogConfig(
            data,
            nodes,
            replicas,
            rate,
            defaults.serviceTime(),
            defaults.workersPerReplica(),
            defaults.probeInterval(),
            defaults.warmUp(),
            policy,
            defaults.seed());
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean closed = new AtomicBoolean();
    EmulatedFog fog = EmulatedFog.start(config);
    DashboardServer dashboard;
    try {
      dashboard =
          DashboardServer.start(
              fog.dashboard(), new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (RuntimeException e) {
      fog.close();
      if (e.getCause() instanceof java.net.BindException) {
        throw new UserException(
            "cannot serve the dashboard on 127.0.0.1:"
                + port
                + " ("
                + e.getCause().getMessage()
                + "): choose another port with --port (0 picks a free one)",
            e);
      }
      throw e;
    }
    Runnable stop =
        () -> {
          if (closed.compareAndSet(false, true)) {
            printSummary(out, fog);
            dashboard.close();
            fog.close();
            out.println("brume up: stopped; all threads and sockets released.");
            out.flush();
            stopped.countDown();
          }
        };
    Thread hook = new Thread(stop, "brume-up-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      printBanner(out, fog, dashboard);
      if (!noOpen) {
        openBrowser(out, dashboard.uri().toString());
      }
      long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
      while (!stopped.await(
          Math.min(5_000_000_000L, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        if (System.nanoTime() >= deadline) {
          break;
        }
        printStatus(out, fog);
      }
    } finally {
      stop.run();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running (or ran) stop already.
      }
    }
    return 0;
  }

  private void printBanner(PrintWriter out, EmulatedFog fog, DashboardServer dashboard) {
    out.printf(
        "brume up: %d nodes (%s), replicas of the demo service on %s%n",
        fog.dataset().size(),
        dataset == null ? "bundled AWS regions" : dataset.source(),
        String.join(", ", fog.replicaHosts()));
    out.println(
        "brume up: one JVM hosts every node's production agent (API at each agent_url of"
            + " /api/nodes); latency is emulated by user-space UDP/TCP delay relays"
            + " on loopback (RTT/2 each way).");
    out.println(
        "brume up: image engine skipped: the demo replicas are in-process HTTP servers, not"
            + " containers pulled from a registry (no image engine is wired into brume up yet).");
    out.printf(
        "brume up: comparing random vs %s on identical traffic (%.1f requests/s from every node)%n",
        fog.config().brumePolicy(), fog.config().requestsPerSecondPerNode());
    out.printf("brume up: dashboard at %s%n", dashboard.uri());
    out.println(
        duration == null
            ? "brume up: press Ctrl-C to stop."
            : "brume up: stopping by itself after " + duration.toSeconds() + " s.");
    out.flush();
  }

  private static void printStatus(PrintWriter out, EmulatedFog fog) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "t=%3.0fs  coordinate error %4.1f%%  relay lag %4.1f ms",
                fog.uptimeSeconds(),
                100 * fog.medianRelativeError(),
                fog.relayLagMillis()));
    for (PolicyStats p : fog.dashboard().stats().policies()) {
      line.append(
          String.format(
              Locale.ROOT, "  |  %s %.1f ms (%d)", p.name(), p.meanLatencyMillis(), p.requests()));
    }
    out.println(line);
    out.flush();
  }

  private static void printSummary(PrintWriter out, EmulatedFog fog) {
    out.printf(
        Locale.ROOT,
        "brume up: after %.0f s of load, coordinate error (median relative) %.1f%%%n",
        fog.loadSeconds(),
        100 * fog.medianRelativeError());
    out.printf(
        Locale.ROOT,
        "%-18s %10s %10s %9s %14s%n",
        "policy",
        "mean ms",
        "p95 ms",
        "requests",
        "max mean load");
    for (PolicyStats p : fog.dashboard().stats().policies()) {
      out.printf(
          Locale.ROOT,
          "%-18s %10.1f %10.1f %9d %14.2f%n",
          p.name(),
          p.meanLatencyMillis(),
          p.p95LatencyMillis(),
          p.requests(),
          p.maxMeanLoad());
    }
    out.flush();
  }

  private static void openBrowser(PrintWriter out, String url) {
    boolean graphical =
        System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null;
    Path xdgOpen = Path.of("/usr/bin/xdg-open");
    if (!graphical || !java.nio.file.Files.isExecutable(xdgOpen)) {
      out.println("brume up: open " + url + " in a browser (no graphical session to open it in).");
      return;
    }
    try {
      new ProcessBuilder(xdgOpen.toString(), url)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (java.io.IOException e) {
      out.println("brume up: could not open a browser (" + e.getMessage() + "); open " + url);
    }
  }
}
