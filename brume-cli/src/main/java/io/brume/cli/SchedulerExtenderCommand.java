package io.brume.cli;

import io.brume.kubernetes.PeerDirectory;
import io.brume.kubernetes.PlacementController;
import io.brume.kubernetes.extender.ListenAddress;
import io.brume.kubernetes.extender.SchedulerExtenderServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brume scheduler-extender --listen ADDR:PORT}: the kube-scheduler extender, reading nodes'
 * coordinates, demand and load from the cluster (in-cluster config or KUBECONFIG).
 */
@Command(
    name = "scheduler-extender",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the Kubernetes scheduler extender API (POST /filter, POST /prioritize): nodes are"
          + " scored by estimated latency to the Service's demand and by load. See docs/kubernetes.md."
    })
final class SchedulerExtenderCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--listen",
      paramLabel = "ADDR:PORT",
      defaultValue = "0.0.0.0:8888",
      converter = ListenConverter.class,
      description = "Address to serve on (default: ${DEFAULT-VALUE}).")
  InetSocketAddress listen;

  @Option(
      names = "--resync",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description =
          "Node informer resync period, e.g. 5m, 30s or PT5M (default: ${DEFAULT-VALUE}).")
  Duration resync;

  @Option(
      names = "--placement",
      description =
          "Also run the placement controller: Deployments annotated brume.io/placement=enabled get"
              + " their replicas moved toward their demand, one node at a time (docs/kubernetes.md).")
  boolean placement;

  @Option(
      names = "--placement-interval",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description =
          "Least time between two placement moves of a Deployment, e.g. 5m or PT5M (default:"
              + " ${DEFAULT-VALUE}).")
  Duration placementInterval;

  static final class ListenConverter
      implements picocli.CommandLine.ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      return ListenAddress.parse(value);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch stopped = new CountDownLatch(1);
    try (KubernetesClient client = KubernetesConnection.open();
        PeerDirectory peers = new PeerDirectory(client, resync)) {
      try {
        peers.start(Duration.ofSeconds(30));
      } catch (IllegalStateException e) {
        throw KubernetesConnection.failed(client, "listing nodes", e);
      }
      PlacementController placer =
          placement
              ? new PlacementController(
                  client,
                  peers, // one Node informer for the extender and the controller
                  resync,
                  PlacementController.DEFAULT_HYSTERESIS,
                  placementInterval,
                  InstantSource.system())
              : null;
      if (placer != null) {
        try {
          placer.start(Duration.ofSeconds(30));
        } catch (IllegalStateException e) {
          placer.close();
          throw KubernetesConnection.failed(client, "starting the placement controller", e);
        }
      }
      try (SchedulerExtenderServer server = new SchedulerExtenderServer(listen, peers::peers)) {
        out.println(
            "scheduler extender listening on "
                + server.address()
                + " ("
                + peers.peers().size()
                + " nodes known)"
                + (placer != null ? "; placement controller on" : ""));
        out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
        stopped.await();
      } finally {
        if (placer != null) {
          placer.close();
        }
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot listen on " + listen + ": " + e.getMessage(), e);
    }
    return 0;
  }
}
