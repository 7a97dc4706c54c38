package io.brume.cli;

import io.brume.proxy.Endpoint;
import io.brume.proxy.EndpointChoosers;
import io.brume.proxy.HealthCheck;
import io.brume.proxy.ProxyConfig;
import io.brume.proxy.ProxyServer;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brume proxy --listen ADDR:PORT --endpoints [NAME=]HOST:PORT,... [--policy NAME]}: runs
 * brume's user-space proxy for one service standalone (the node agent hosts the same {@link
 * ProxyServer}).
 */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = {
      "Run brume's user-space proxy for one service: L7 HTTP/1.1 (a choice per request) or L4 TCP"
          + " (a choice per connection), with health checks, outlier ejection and retries."
    })
final class ProxyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--listen", required = true, paramLabel = "ADDR:PORT", description = "Listen on.")
  String listen;

  @Option(
      names = "--endpoints",
      required = true,
      split = ",",
      paramLabel = "[NAME=]HOST:PORT",
      description = "The replicas, comma-separated.")
  List<String> endpoints;

  @Option(
      names = "--policy",
      defaultValue = "round-robin",
      description =
          "Routing policy of brume-router (default: ${DEFAULT-VALUE}); proximity policies see"
              + " equal RTTs when run standalone.")
  String policy;

  @Option(
      names = "--mode",
      defaultValue = "HTTP",
      description = "HTTP or TCP (default: ${DEFAULT-VALUE}).")
  ProxyConfig.Protocol mode;

  @Option(
      names = "--io",
      defaultValue = "event-loop",
      paramLabel = "event-loop|threads",
      description =
          "HTTP data plane: one event-loop thread for every connection, or a thread per"
              + " connection (default: ${DEFAULT-VALUE}; TCP always uses threads).")
  String io;

  @Option(
      names = "--health-path",
      defaultValue = "/",
      description = "Path of HTTP health checks (default: ${DEFAULT-VALUE}).")
  String healthPath;

  @Option(
      names = "--duration",
      defaultValue = "0",
      paramLabel = "SECONDS",
      description = "Stop after this many seconds; 0 runs until interrupted (default).")
  double durationSeconds;

  @Override
  public Integer call() throws Exception {
    int colon = listen.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("--listen '" + listen + "' is not ADDR:PORT");
    }
    InetSocketAddress address =
        new InetSocketAddress(
            listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
    List<Endpoint> replicas = endpoints.stream().map(Endpoint::parse).toList();
    ProxyConfig config =
        ProxyConfig.http(address, replicas)
            .withProtocol(mode)
            .withDataPlane(ProxyConfig.DataPlane.parse(io))
            .withChooser(EndpointChoosers.named(policy, endpoint -> 0))
            .withHealthCheck(
                mode == ProxyConfig.Protocol.HTTP
                    ? HealthCheck.http(healthPath)
                    : HealthCheck.tcp());
    PrintWriter out = spec.commandLine().getOut();
    try (ProxyServer proxy = new ProxyServer(config).start()) {
      out.printf(
          "brume proxy: %s on %s, policy %s, endpoints %s%n",
          mode, proxy.address(), policy, replicas.stream().map(Endpoint::name).toList());
      out.flush();
      if (durationSeconds > 0) {
        Thread.sleep((long) (durationSeconds * 1000));
      } else {
        Thread.currentThread().join(); // until the process is interrupted or killed
      }
    }
    return 0;
  }
}
