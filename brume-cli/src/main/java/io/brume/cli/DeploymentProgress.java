package io.brume.cli;

import io.brume.dashboard.DeploymentView;
import io.brume.emulation.EmulatedFog;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** What {@code brume up} prints about the deployment of the demo image. */
final class DeploymentProgress {
  private static final double MB = 1e6;

  private final EmulatedFog fog;
  private boolean finished;

  DeploymentProgress(EmulatedFog fog) {
    this.fog = fog;
  }

  /** Whether the deployment is over and its result printed (or there is none). */
  boolean finished() {
    return finished;
  }

  /**
   * Prints one progress line per call while the deployment runs and its result once it is over;
   * returns false when there is nothing more to say about it.
   */
  boolean print(PrintWriter out) {
    if (finished) {
      return false;
    }
    List<DeploymentView> views = fog.deployments();
    if (views.isEmpty()) {
      finished = true;
      return false;
    }
    StringBuilder line =
        new StringBuilder(String.format(Locale.ROOT, "t=%3.0fs  deploying", fog.uptimeSeconds()));
    byLane(views)
        .forEach(
            (lane, nodes) -> {
              long ready =
                  nodes.stream().filter(v -> v.state() == DeploymentView.State.READY).count();
              long failed =
                  nodes.stream().filter(v -> v.state() == DeploymentView.State.FAILED).count();
              line.append(
                  String.format(
                      Locale.ROOT,
                      "  |  %s %d/%d ready%s, %.1f MB from peers, %.1f MB from origin",
                      lane,
                      ready,
                      nodes.size(),
                      failed > 0 ? " (" + failed + " failed)" : "",
                      nodes.stream().mapToLong(DeploymentView::bytesFromPeers).sum() / MB,
                      nodes.stream().mapToLong(DeploymentView::bytesFromOrigin).sum() / MB));
            });
    out.println(line);
    if (fog.deploymentDone()) {
      out.println("brume up: " + result(fog));
      finished = true;
    }
    out.flush();
    return true;
  }

  /** The start-up lines about the deployment. */
  static void printBanner(PrintWriter out, EmulatedFog fog) {
    if (fog.deployments().isEmpty()) {
      out.println("brume up: deployment off: the demo replicas serve at once.");
      return;
    }
    String sites =
        fog.sites().stream().map(site -> String.join("+", site)).collect(Collectors.joining(", "));
    out.printf(
        Locale.ROOT,
        "brume up: deploying the demo image (%.1f MB, 2 gzip layers) from an in-process origin"
            + " registry behind a %.0f Mbit/s uplink to the replicas' nodes (sites %s; node links"
            + " %.0f Mbit/s), side by side: brume (auto, nearest peers first) vs docker (origin"
            + " only); replicas run as %s and serve once their node has the image.%n",
        fog.imageBytes() / MB,
        fog.deploymentConfig().originUplinkBytesPerSecond() * 8 / MB,
        sites,
        fog.deploymentConfig().nodeLinkBytesPerSecond() * 8 / MB,
        fog.replicaRuntime());
  }

  /** The deployment's result for the closing summary. */
  static void printSummary(PrintWriter out, EmulatedFog fog) {
    if (!fog.deployments().isEmpty()) {
      out.println("brume up: " + result(fog));
      out.println("brume up: replicas ran as " + fog.replicaRuntime());
    }
  }

  private static String result(EmulatedFog fog) {
    Map<String, Double> seconds = fog.deploymentSeconds();
    List<DeploymentView> views = fog.deployments();
    StringBuilder text = new StringBuilder("time until all replicas serve:");
    seconds.forEach(
        (lane, s) ->
            text.append(
                Double.isNaN(s)
                    ? String.format(Locale.ROOT, " %s not all ready;", lane)
                    : String.format(Locale.ROOT, " %s %.1f s;", lane, s)));
    Double brume = seconds.get("brume");
    Double docker = seconds.get("docker");
    if (brume != null && docker != null && brume > 0 && docker > 0) {
      text.append(String.format(Locale.ROOT, " brume %.2fx faster;", docker / brume));
    }
    List<DeploymentView> brumeLane = byLane(views).getOrDefault("brume", List.of());
    long peers = brumeLane.stream().mapToLong(DeploymentView::bytesFromPeers).sum();
    long total = brumeLane.stream().mapToLong(v -> v.bytesFromPeers() + v.bytesFromOrigin()).sum();
    text.append(
        String.format(
            Locale.ROOT, " brume lane: %.1f of %.1f MB from peers", peers / MB, total / MB));
    return text.toString();
  }

  private static Map<String, List<DeploymentView>> byLane(List<DeploymentView> views) {
    return views.stream()
        .collect(
            Collectors.groupingBy(
                DeploymentView::lane, java.util.LinkedHashMap::new, Collectors.toList()));
  }
}
