package io.brume.kubernetes;

import static io.brume.kubernetes.TestObjects.at;
import static io.brume.kubernetes.TestObjects.endpoint;
import static io.brume.kubernetes.TestObjects.node;
import static io.brume.kubernetes.TestObjects.service;
import static io.brume.kubernetes.TestObjects.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ProximityRoutingControllerTest {
  private static final ServiceKey WEB = new ServiceKey("shop", "web");
  private static final Map<String, String> OPT_IN =
      Map.of(BrumeAnnotations.ROUTING, "proximity", BrumeAnnotations.POLICY, "proximity-alpha");

  KubernetesClient client;
  private final InMemoryDataPlane dataPlane = new InMemoryDataPlane();
  private ProximityRoutingController controller;

  @BeforeEach
  void cluster() {
    // Node a is where the agent runs; b is 10 ms away, c 40 ms, d 80 ms.
    client.resource(node("a", at(0, 0))).create();
    client.resource(node("b", at(10, 0))).create();
    client.resource(node("c", at(40, 0))).create();
    client.resource(node("d", at(80, 0))).create();
    client.resource(service("shop", "web", OPT_IN)).create();
    client
        .resource(
            slice(
                "shop",
                "web",
                List.of(
                    endpoint("10.0.0.2", "b", true),
                    endpoint("10.0.0.3", "c", true),
                    endpoint("10.0.0.4", "d", true))))
        .create();
    controller =
        new ProximityRoutingController(
            client, "a", dataPlane, Duration.ofMinutes(10), 2, InstantSource.system());
    controller.start(Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    controller.close();
  }

  private Map<String, Double> weights() {
    return dataPlane.route(WEB).orElseThrow().endpoints().stream()
        .collect(java.util.stream.Collectors.toMap(WeightedPod::address, WeightedPod::weight));
  }

  @Test
  void programsWeightsFavouringTheClosestReadyEndpoints() {
    await().until(() -> dataPlane.route(WEB).isPresent());

    ServiceRoute route = dataPlane.route(WEB).orElseThrow();
    assertThat(route.clusterIp()).isEqualTo("10.96.0.10");
    assertThat(route.ports())
        .containsExactly(new ServiceRoute.PortMapping("http", "TCP", 80, 8080));
    // brume-router's proximity-alpha, α = 0.8 by default over m = 3 ready endpoints: the nearest
    // (b, 10 ms) gets (1 - α)/m + α, the others (1 - α)/m.
    Map<String, Double> w = weights();
    assertThat(w).containsOnlyKeys("10.0.0.2", "10.0.0.3", "10.0.0.4");
    assertThat(w.get("10.0.0.2")).isCloseTo(0.2 / 3 + 0.8, within());
    assertThat(w.get("10.0.0.3")).isCloseTo(0.2 / 3, within());
    assertThat(w.get("10.0.0.4")).isCloseTo(0.2 / 3, within());
    assertThat(w.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within());
  }

  @Test
  void anEndpointBecomingUnreadyLosesItsTraffic() {
    await().until(() -> dataPlane.route(WEB).isPresent());

    client
        .resource(
            slice(
                "shop",
                "web",
                List.of(
                    endpoint("10.0.0.2", "b", false),
                    endpoint("10.0.0.3", "c", true),
                    endpoint("10.0.0.4", "d", true))))
        .update();

    await().until(() -> !weights().containsKey("10.0.0.2"));
    assertThat(weights()).containsOnlyKeys("10.0.0.3", "10.0.0.4");
  }

  @Test
  void aPeerMovingOrDisappearingChangesTheWeights() {
    await().until(() -> dataPlane.route(WEB).isPresent());

    // d moves next to a: it becomes the preferred endpoint.
    client.nodes().withName("d").edit(n -> node("d", at(1, 0)));
    await().until(() -> weights().get("10.0.0.4") > weights().get("10.0.0.2"));

    // d's Node is deleted: its endpoint is kept but estimated at the largest known RTT.
    client.nodes().withName("d").delete();
    await().until(() -> weights().get("10.0.0.4") < weights().get("10.0.0.2"));
  }

  @Test
  void optingOutRemovesTheRulesAndShutdownRemovesAll() {
    await().until(() -> dataPlane.route(WEB).isPresent());
    client.resource(service("shop", "other", OPT_IN)).create();
    client.resource(slice("shop", "other", List.of(endpoint("10.0.1.2", "b", true)))).create();
    await().until(() -> dataPlane.programmed().size() == 2);

    client
        .services()
        .inNamespace("shop")
        .withName("web")
        .edit(s -> service("shop", "web", Map.of()));
    await().until(() -> dataPlane.route(WEB).isEmpty());

    controller.close();
    assertThat(dataPlane.programmed()).isEmpty();
  }

  @Test
  void reconcilingAgainWithoutChangesIsANoOp() {
    await().until(() -> dataPlane.route(WEB).isPresent());
    long changes = dataPlane.changes();
    // An update that does not touch what brume reads (a label) reconciles again.
    client
        .services()
        .inNamespace("shop")
        .withName("web")
        .edit(
            s -> {
              Service copy = service("shop", "web", OPT_IN);
              copy.getMetadata().setLabels(Map.of("touched", "yes"));
              return copy;
            });
    await()
        .until(
            () ->
                client
                        .services()
                        .inNamespace("shop")
                        .withName("web")
                        .get()
                        .getMetadata()
                        .getLabels()
                    != null);
    await().during(Duration.ofMillis(300)).until(() -> dataPlane.changes() == changes);
  }

  @Test
  void thePolicyAnnotationSelectsTheRouterPolicy() {
    await().until(() -> dataPlane.route(WEB).isPresent());

    client
        .services()
        .inNamespace("shop")
        .withName("web")
        .edit(
            s ->
                service(
                    "shop",
                    "web",
                    Map.of(
                        BrumeAnnotations.ROUTING,
                        "proximity",
                        BrumeAnnotations.POLICY,
                        "nearest")));
    await().until(() -> weights().get("10.0.0.2") == 1.0);
    assertThat(weights()).containsEntry("10.0.0.3", 0.0).containsEntry("10.0.0.4", 0.0);

    client
        .services()
        .inNamespace("shop")
        .withName("web")
        .edit(
            s ->
                service(
                    "shop",
                    "web",
                    Map.of(
                        BrumeAnnotations.ROUTING, "proximity", BrumeAnnotations.POLICY, "random")));
    await().until(() -> weights().get("10.0.0.4") > 0.3);
    assertThat(weights().values()).allSatisfy(w -> assertThat(w).isCloseTo(1.0 / 3, within()));
    assertThat(client.v1().events().inNamespace("shop").list().getItems()).isEmpty();
  }

  @Test
  void anUnknownPolicyIsReportedAndTheDefaultApplies() {
    client
        .resource(
            service(
                "shop",
                "typo",
                Map.of(BrumeAnnotations.ROUTING, "proximity", BrumeAnnotations.POLICY, "closest")))
        .create();
    client
        .resource(
            slice(
                "shop",
                "typo",
                List.of(endpoint("10.0.3.2", "b", true), endpoint("10.0.3.3", "d", true))))
        .create();

    ServiceKey typo = new ServiceKey("shop", "typo");
    await().until(() -> dataPlane.route(typo).isPresent());
    Map<String, Double> w =
        dataPlane.route(typo).orElseThrow().endpoints().stream()
            .collect(java.util.stream.Collectors.toMap(WeightedPod::address, WeightedPod::weight));
    assertThat(w.get("10.0.3.2")).isCloseTo(0.2 / 2 + 0.8, within());
    await().until(() -> client.v1().events().inNamespace("shop").list().getItems().size() == 1);
    assertThat(client.v1().events().inNamespace("shop").list().getItems().getFirst().getMessage())
        .contains("brume.io/policy=\"closest\"")
        .contains("n-nearest-by-load")
        .contains("adaptive");
  }

  @Test
  void invalidAnnotationsAreReportedOnceAsEventsAndDefaultsApply() {
    client
        .resource(
            service(
                "shop",
                "bad",
                Map.of(
                    BrumeAnnotations.ROUTING, "proximity",
                    BrumeAnnotations.ALPHA, "1.5",
                    BrumeAnnotations.N, "zero")))
        .create();
    client.resource(slice("shop", "bad", List.of(endpoint("10.0.2.2", "b", true)))).create();

    await().until(() -> dataPlane.route(new ServiceKey("shop", "bad")).isPresent());
    await().until(() -> client.v1().events().inNamespace("shop").list().getItems().size() == 2);
    List<Event> events = client.v1().events().inNamespace("shop").list().getItems();
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo(ProblemReporter.REASON);
              assertThat(e.getInvolvedObject().getName()).isEqualTo("bad");
            });
    assertThat(events.stream().map(Event::getMessage))
        .anySatisfy(m -> assertThat(m).contains("brume.io/alpha=\"1.5\""))
        .anySatisfy(m -> assertThat(m).contains("brume.io/n=\"zero\""));
    assertThat(dataPlane.route(new ServiceKey("shop", "bad")).map(r -> r.endpoints().size()))
        .isEqualTo(Optional.of(1));
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
