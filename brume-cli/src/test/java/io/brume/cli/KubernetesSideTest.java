package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.brume.kubernetes.BrumeAnnotations;
import io.brume.kubernetes.InMemoryDataPlane;
import io.brume.kubernetes.KubernetesAgentSettings;
import io.brume.kubernetes.ServiceKey;
import io.brume.node.Agent;
import io.brume.node.AgentConfig;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code brume agent --kubernetes} without a cluster: fabric8's mock API server holds the Nodes and
 * an opted-in Service, the agent hosts {@link KubernetesSide} as a component.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesSideTest {
  private static final ServiceKey WEB = new ServiceKey("shop", "web");

  KubernetesClient client;

  private void node(String name, String internalIp) {
    client
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewStatus()
                .addNewAddress()
                .withType("InternalIP")
                .withAddress(internalIp)
                .endAddress()
                .endStatus()
                .build())
        .create();
  }

  private void optedInService() {
    client
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName("web")
                .addToAnnotations(BrumeAnnotations.ROUTING, BrumeAnnotations.ROUTING_PROXIMITY)
                .endMetadata()
                .withNewSpec()
                .withClusterIP("10.96.0.10")
                .addNewPort()
                .withName("http")
                .withProtocol("TCP")
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();
    client
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName("web-abcde")
                .addToLabels(BrumeAnnotations.SERVICE_NAME_LABEL, "web")
                .endMetadata()
                .withAddressType("IPv4")
                .addNewPort()
                .withName("http")
                .withProtocol("TCP")
                .withPort(8080)
                .endPort()
                .addNewEndpoint()
                .withAddresses("10.0.0.2")
                .withNodeName("b")
                .withNewConditions()
                .withReady(true)
                .endConditions()
                .endEndpoint()
                .build())
        .create();
  }

  @Test
  void theAgentStartsTheKubernetesSideAfterProbingAndStopsItFirst() {
    node("a", "10.0.0.1");
    node("b", "10.0.0.2");
    optedInService();
    InMemoryDataPlane dataPlane = new InMemoryDataPlane();
    KubernetesSide side =
        new KubernetesSide(client, "a", dataPlane, KubernetesAgentSettings.defaults());

    Map<String, String> addresses = side.internalAddresses();
    assertThat(addresses).isEqualTo(Map.of("a", "10.0.0.1", "b", "10.0.0.2"));
    assertThat(AgentCommand.kubernetesConfig("a", addresses).peers())
        .extracting(AgentConfig.Peer::name)
        .containsExactly("b");

    // The generated configuration binds fixed ports; this one differs only in its free ports.
    AgentConfig config =
        AgentConfig.withDefaults(
            "a",
            new InetSocketAddress("127.0.0.1", 0),
            new InetSocketAddress("127.0.0.1", 0),
            List.of(new AgentConfig.Peer("b", new InetSocketAddress("127.0.0.1", 9))));
    Agent agent = Agent.create(config, List.of(side)).start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> dataPlane.route(WEB).isPresent());
    } finally {
      agent.stop();
    }

    assertThat(dataPlane.programmed()).isEmpty(); // brume's rules go with the agent
    side.stop(); // idempotent
  }
}
