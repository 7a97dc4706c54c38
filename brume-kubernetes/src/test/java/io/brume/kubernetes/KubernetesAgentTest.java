package io.brume.kubernetes;

import static io.brume.kubernetes.TestObjects.at;
import static io.brume.kubernetes.TestObjects.endpoint;
import static io.brume.kubernetes.TestObjects.node;
import static io.brume.kubernetes.TestObjects.service;
import static io.brume.kubernetes.TestObjects.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.brume.coordinate.Coordinate;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesAgentTest {
  private static final ServiceKey WEB = new ServiceKey("shop", "web");

  /** Publish as soon as the coordinate moved 2 ms, offered every 50 ms. */
  static final KubernetesAgentSettings FAST =
      new KubernetesAgentSettings(
          Duration.ofMinutes(10),
          Duration.ofMillis(50),
          2.0,
          Duration.ZERO,
          2,
          Duration.ofSeconds(30));

  KubernetesClient client;
  private final AtomicReference<Coordinate> coordinate =
      new AtomicReference<>(Coordinate.origin(2));
  private KubernetesAgent agent;

  @BeforeEach
  void cluster() {
    cluster(client);
  }

  /**
   * Nodes a (no coordinate yet), b at 10 ms and c at 40 ms from the origin, and Service shop/web
   * opted in to proximity routing with endpoints on b and c.
   */
  static void cluster(KubernetesClient client) {
    // The agent runs on a, which has no coordinate yet; b is at 10 ms, c at 40 ms from the origin.
    client.resource(node("a", null)).create();
    client.resource(node("b", at(10, 0))).create();
    client.resource(node("c", at(40, 0))).create();
    client.resource(service("shop", "web", Map.of(BrumeAnnotations.ROUTING, "proximity"))).create();
    client
        .resource(
            slice(
                "shop",
                "web",
                List.of(endpoint("10.0.0.2", "b", true), endpoint("10.0.0.3", "c", true))))
        .create();
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.stop();
    }
  }

  private String publishedCoordinate() {
    return publishedCoordinate(client);
  }

  /** The coordinate annotation on node a, or null. */
  static String publishedCoordinate(KubernetesClient client) {
    Map<String, String> annotations =
        client.nodes().withName("a").get().getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(BrumeAnnotations.COORDINATE);
  }

  private static Map<String, Double> weights(InMemoryDataPlane dataPlane) {
    return dataPlane.route(WEB).orElseThrow().endpoints().stream()
        .collect(Collectors.toMap(WeightedPod::address, WeightedPod::weight));
  }

  @Test
  void publishesTheMeasuredCoordinateRoutesByItAndRemovesTheRulesOnStop() {
    InMemoryDataPlane dataPlane = new InMemoryDataPlane();
    agent = new KubernetesAgent(client, "a", coordinate::get, dataPlane, FAST).start();

    // Before the first sample: nothing is published and traffic is spread evenly.
    await().until(() -> dataPlane.route(WEB).isPresent());
    assertThat(weights(dataPlane).values()).containsOnly(0.5);
    await().during(Duration.ofMillis(300)).until(() -> publishedCoordinate() == null);

    // Vivaldi places a next to c: published, and c becomes the preferred endpoint.
    Coordinate measured = new Coordinate(new double[] {38, 0}, 0.2, 0.0, 0.5);
    coordinate.set(measured);
    await()
        .until(() -> NodeCoordinate.fromVivaldi(measured).toJson().equals(publishedCoordinate()));
    await().until(() -> weights(dataPlane).get("10.0.0.3") > 0.5);
    assertThat(weights(dataPlane).get("10.0.0.3")).isCloseTo(0.2 / 2 + 0.8, within(1e-9));

    // A move below 2 ms is not worth an API write; a larger one is.
    coordinate.set(new Coordinate(new double[] {38.5, 0}, 0.2, 0.0, 0.5));
    await()
        .during(Duration.ofMillis(300))
        .until(() -> NodeCoordinate.fromVivaldi(measured).toJson().equals(publishedCoordinate()));
    Coordinate moved = new Coordinate(new double[] {12, 0}, 0.2, 0.0, 0.5);
    coordinate.set(moved);
    await().until(() -> NodeCoordinate.fromVivaldi(moved).toJson().equals(publishedCoordinate()));
    await().until(() -> weights(dataPlane).get("10.0.0.2") > 0.5);

    agent.stop();
    assertThat(dataPlane.programmed()).isEmpty();
  }

  @Test
  void peersAndTheirProbeAddressesComeFromTheNodeList() {
    client
        .nodes()
        .withName("b")
        .edit(
            n -> {
              n.getStatus()
                  .setAddresses(
                      List.of(
                          new io.fabric8.kubernetes.api.model.NodeAddress("edge-b", "Hostname"),
                          new io.fabric8.kubernetes.api.model.NodeAddress(
                              "192.168.1.12", "InternalIP")));
              return n;
            });
    agent =
        new KubernetesAgent(client, "a", coordinate::get, new InMemoryDataPlane(), FAST).start();

    assertThat(agent.peers().peers()).containsOnlyKeys("a", "b", "c");
    assertThat(agent.peers().internalAddresses()).isEqualTo(Map.of("b", "192.168.1.12"));

    client.nodes().withName("c").delete();
    await().until(() -> !agent.peers().peers().containsKey("c"));
  }
}
