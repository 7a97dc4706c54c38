package io.brume.cli;

import io.brume.kubernetes.DataPlane;
import io.brume.kubernetes.KubernetesAgent;
import io.brume.kubernetes.KubernetesAgentSettings;
import io.brume.kubernetes.PeerDirectory;
import io.brume.node.Agent;
import io.brume.node.AgentComponent;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Objects;

/**
 * brume's Kubernetes side ({@link KubernetesAgent}: coordinate annotation, Node informer, proximity
 * routing) hosted by the node agent of {@code brume agent --kubernetes}: it starts once the agent
 * probes, publishing that agent's coordinate, and stops (removing brume's iptables rules, closing
 * the client it owns) before the agent does.
 */
final class KubernetesSide implements AgentComponent {
  private final KubernetesClient client;
  private final String nodeName;
  private final DataPlane dataPlane;
  private final KubernetesAgentSettings settings;
  private KubernetesAgent cluster;
  private boolean stopped;

  /** Takes ownership of {@code client}: {@link #stop} closes it. */
  KubernetesSide(
      KubernetesClient client,
      String nodeName,
      DataPlane dataPlane,
      KubernetesAgentSettings settings) {
    this.client = Objects.requireNonNull(client, "client");
    this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    this.dataPlane = Objects.requireNonNull(dataPlane, "dataPlane");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** The node this agent runs on. */
  String nodeName() {
    return nodeName;
  }

  /**
   * Every Node's InternalIP by name, listed once: whom the agent probes (agents run in the host
   * network). Nodes that join later are probed after the agent restarts (a rolling update does
   * that).
   */
  Map<String, String> internalAddresses() {
    return PeerDirectory.internalAddresses(client.nodes().list().getItems());
  }

  @Override
  public synchronized void start(Agent agent) {
    cluster = new KubernetesAgent(client, nodeName, agent::coordinate, dataPlane, settings).start();
  }

  /**
   * Stops routing and publishing (brume's rules are removed), then closes the client; idempotent.
   */
  @Override
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (cluster != null) {
      cluster.stop();
    }
    client.close();
  }

  @Override
  public String toString() {
    return "Kubernetes side of node " + nodeName;
  }
}
