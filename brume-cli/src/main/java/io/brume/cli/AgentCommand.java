package io.brume.cli;

import io.brume.node.Agent;
import io.brume.node.AgentConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code brume agent --config FILE}: the long-running node agent. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Run the node agent: UDP RTT probes to the configured peers, Vivaldi coordinates, and an HTTP API"
          + " (/v1/coordinate, /v1/coordinates, /v1/rtt?node=NAME, /metrics, /healthz).",
      "Runs until interrupted (SIGINT/SIGTERM)."
    })
final class AgentCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "Agent configuration (JSON).")
  Path config;

  @Override
  public Integer call() throws IOException, InterruptedException {
    long begin = System.nanoTime();
    AgentConfig c;
    try {
      c = AgentConfig.load(config);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--config: " + e.getMessage());
    }
    Agent agent = Agent.create(c).start();
    Runtime.getRuntime().addShutdownHook(new Thread(agent::stop, "brume-agent-stop"));
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "brume agent %s: probes on udp %s, HTTP on http://%s:%d, %d peers, started in %d ms (%d ms"
            + " after JVM start)%n",
        c.node(),
        agent.probeAddress(),
        agent.httpAddress().getHostString(),
        agent.httpAddress().getPort(),
        c.peers().size(),
        (System.nanoTime() - begin) / 1_000_000,
        ProcessHandle.current()
            .info()
            .startInstant()
            .map(t -> java.time.Duration.between(t, java.time.Instant.now()).toMillis())
            .orElse(-1L));
    out.flush();
    agent.awaitStop();
    return 0;
  }
}
