package io.brume.cli;

import io.brume.kubernetes.KernelDataPlane;
import io.brume.kubernetes.KubernetesAgentSettings;
import io.brume.node.Agent;
import io.brume.node.AgentComponent;
import io.brume.node.AgentConfig;
import io.brume.node.PeerServing;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code brume agent}: the long-running node agent, standalone or as a Kubernetes DaemonSet. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Run the node agent: UDP RTT probes to the configured peers, Vivaldi coordinates, and an HTTP API"
          + " (/v1/coordinate, /v1/coordinates, /v1/rtt?node=NAME, /metrics, /healthz).",
      "With --kubernetes (the DaemonSet's mode) the node name comes from $NODE_NAME, the peers are the"
          + " cluster's Nodes (InternalIP, UDP "
          + AgentCommand.PROBE_PORT
          + "), the coordinate is published as a Node annotation, and opted-in Services are routed"
          + " by proximity through iptables.",
      "Runs until interrupted (SIGINT/SIGTERM)."
    })
final class AgentCommand implements Callable<Integer> {
  /** The probe port of the DaemonSet (deploy/base/daemonset.yaml). */
  static final int PROBE_PORT = 7946;

  /** Where the agent's HTTP API listens in the DaemonSet (host network, node-local). */
  static final InetSocketAddress KUBERNETES_HTTP = new InetSocketAddress("127.0.0.1", 7947);

  /**
   * Where the DaemonSet mounts the optional Secret with the probe keys (docs/kubernetes.md, "Probe
   * keys").
   */
  static final Path PROBE_KEY_DIR = Path.of("/etc/brume/probe-key");

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Agent configuration (JSON); required unless --kubernetes.")
  Path config;

  @Option(
      names = "--kubernetes",
      description =
          "Also run brume's Kubernetes add-on, with peers and node name from the cluster.")
  boolean kubernetes;

  @Option(
      names = "--peer-listen",
      paramLabel = "HOST:PORT",
      description =
          "Serve this node's verified blobs to cluster members here (peer-to-peer layer sharing and"
              + " containerd mirror), e.g. 0.0.0.0:7948; needs --peer-token-file.")
  String peerListen;

  @Option(
      names = "--peer-token-file",
      paramLabel = "FILE",
      description = "The cluster token peers must present (a mounted Secret).")
  Path peerTokenFile;

  @Option(
      names = "--peer-max-uploads",
      paramLabel = "N",
      description = "Blob bodies served at once; more get 429 (default: ${DEFAULT-VALUE}).")
  int peerMaxUploads = 4;

  @picocli.CommandLine.Mixin StoreOptions store;

  /** The peer server, when --peer-listen is given. */
  private List<AgentComponent> components() {
    if (peerListen == null) {
      return List.of();
    }
    if (peerTokenFile == null) {
      throw new ParameterException(
          spec.commandLine(), "--peer-token-file FILE is required with --peer-listen");
    }
    int colon = peerListen.lastIndexOf(':');
    int port;
    try {
      port = Integer.parseInt(peerListen.substring(colon + 1));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw new ParameterException(
          spec.commandLine(), "--peer-listen must be HOST:PORT, got '" + peerListen + "'");
    }
    if (colon <= 0 || port < 0 || port > 65535) {
      throw new ParameterException(
          spec.commandLine(), "--peer-listen must be HOST:PORT, got '" + peerListen + "'");
    }
    String host = peerListen.substring(0, colon).replaceAll("^\\[|\\]$", "");
    return List.of(
        new PeerServing(
            new InetSocketAddress(host, port), store.root(), peerTokenFile, peerMaxUploads));
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (config == null && !kubernetes) {
      throw new ParameterException(
          spec.commandLine(), "--config FILE is required (or --kubernetes)");
    }
    long begin = System.nanoTime();
    List<AgentComponent> components = new ArrayList<>(components());
    KubernetesSide cluster = null;
    if (kubernetes) {
      Map<String, String> env = System.getenv();
      cluster =
          new KubernetesSide(
              KubernetesConnection.open(),
              KubernetesAgentSettings.nodeName(env),
              KernelDataPlane.forThisHost(),
              KubernetesAgentSettings.fromEnvironment(env));
      components.add(cluster); // last: started once the agent probes, stopped before it
    }
    Agent agent;
    try {
      agent = Agent.create(agentConfig(cluster), components).start();
    } catch (RuntimeException | IOException e) {
      if (cluster != null) {
        cluster.stop(); // closes the client, also when the agent never started its components
      }
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(agent::stop, "brume-agent-stop"));
    report(agent, begin);
    agent.awaitStop();
    return 0;
  }

  /** The --config file, else (the DaemonSet) probing every other Node, with the probe keys. */
  private AgentConfig agentConfig(KubernetesSide cluster) throws IOException {
    if (config != null) {
      return loadConfig();
    }
    return kubernetesConfig(cluster.nodeName(), cluster.internalAddresses())
        .withProbeKeysIfPresent(PROBE_KEY_DIR);
  }

  private AgentConfig loadConfig() throws IOException {
    try {
      return AgentConfig.load(config);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--config: " + e.getMessage());
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--config: " + config + ": binary content, not a JSON configuration (UTF-8 text)");
    }
  }

  /**
   * The DaemonSet's configuration: this node probes every other Node's InternalIP on the probe
   * port. Nodes that join later are probed after the agent restarts (a rolling update does that).
   */
  static AgentConfig kubernetesConfig(String nodeName, Map<String, String> internalAddresses) {
    List<AgentConfig.Peer> peers = new ArrayList<>();
    internalAddresses.forEach(
        (name, address) -> {
          if (!name.equals(nodeName)) {
            peers.add(new AgentConfig.Peer(name, new InetSocketAddress(address, PROBE_PORT)));
          }
        });
    return AgentConfig.withDefaults(
        nodeName, new InetSocketAddress("0.0.0.0", PROBE_PORT), KUBERNETES_HTTP, peers);
  }

  private void report(Agent agent, long begin) {
    AgentConfig c = agent.config();
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "brume agent %s: probes on udp %s, HTTP on http://%s:%d, %d peers%s, started in %d ms (%d ms"
            + " after JVM start)%n",
        c.node(),
        agent.probeAddress(),
        agent.httpAddress().getHostString(),
        agent.httpAddress().getPort(),
        c.peers().size(),
        kubernetes ? ", Kubernetes routing on" : "",
        (System.nanoTime() - begin) / 1_000_000,
        ProcessHandle.current()
            .info()
            .startInstant()
            .map(t -> java.time.Duration.between(t, java.time.Instant.now()).toMillis())
            .orElse(-1L));
    out.flush();
  }
}
