package io.brume.kubernetes;

import static io.brume.kubernetes.TestObjects.at;
import static io.brume.kubernetes.TestObjects.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class PlacementControllerTest {
  private static final Map<String, String> ENABLED =
      Map.of(BrumeAnnotations.PLACEMENT, "enabled", BrumeAnnotations.PLACEMENT_PERCENTILE, "90");

  KubernetesMockServer server;
  KubernetesClient client;
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  private PlacementController controller;

  @BeforeEach
  void cluster() {
    // Demand for shop/web comes from a and b (5 ms apart); c and d are ~100 ms away, e between.
    client.resource(withDemand(node("a", at(0, 0)), 100)).create();
    client.resource(withDemand(node("b", at(5, 0)), 100)).create();
    client.resource(node("c", at(100, 0))).create();
    client.resource(node("d", at(105, 0))).create();
    client.resource(node("e", at(50, 0))).create();
    // Both start on the far nodes.
    client.resource(deployment("web", ENABLED, List.of("c", "d"))).create();
    client.resource(deployment("other", Map.of(), List.of("c", "d"))).create();
  }

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
  }

  private void startController() {
    controller =
        new PlacementController(
            client,
            Duration.ofMinutes(10),
            PlacementController.DEFAULT_HYSTERESIS,
            Duration.ofHours(1),
            now::get);
    controller.start(Duration.ofSeconds(10));
  }

  private static Node withDemand(Node node, long requests) {
    Map<String, String> annotations = new HashMap<>(node.getMetadata().getAnnotations());
    annotations.put(BrumeAnnotations.DEMAND, "{\"shop/web\": " + requests + ", \"shop/x\": 3}");
    node.getMetadata().setAnnotations(annotations);
    return node;
  }

  private static Deployment deployment(
      String name, Map<String, String> annotations, List<String> nodes) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withNamespace("shop")
        .withName(name)
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withReplicas(2)
        .withNewTemplate()
        .withNewSpec()
        .withNewAffinity()
        .withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm()
        .addNewMatchExpression()
        .withKey("kubernetes.io/hostname")
        .withOperator("In")
        .withValues(nodes)
        .endMatchExpression()
        .endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .endNodeAffinity()
        .endAffinity()
        .addNewContainer()
        .withName("app")
        .withImage("example/app:1")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private Deployment get(String name) {
    return client.apps().deployments().inNamespace("shop").withName(name).get();
  }

  private Set<String> nodesOf(String name) {
    Deployment d = get(name);
    return new TreeSet<>(
        PlacementReconciler.currentNodes(d)
            .orElseThrow(() -> new AssertionError("no brume affinity: " + d.getSpec())));
  }

  private String movedAt(String name) {
    Map<String, String> annotations = get(name).getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(BrumeAnnotations.PLACEMENT_MOVED_AT);
  }

  /** An update that changes nothing the controller reads, so the informer delivers it again. */
  private void touch(String name, String value) {
    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName(name)
        .edit(
            d -> {
              d.getMetadata().setLabels(Map.of("touched", value));
              return d;
            });
  }

  private static long countIn(Set<String> nodes, Set<String> of) {
    return nodes.stream().filter(of::contains).count();
  }

  @Test
  void movesOneReplicaAtATimeTowardDemandAndLeavesOthersAlone() {
    startController();

    // One step: exactly one of the far nodes is swapped for a node where demand is.
    await().until(() -> movedAt("web") != null);
    Set<String> first = nodesOf("web");
    assertThat(first).hasSize(2);
    assertThat(countIn(first, Set.of("a", "b"))).isEqualTo(1);
    assertThat(countIn(first, Set.of("c", "d"))).isEqualTo(1);
    assertThat(movedAt("web")).isEqualTo("2026-01-01T00:00:00Z");

    // Within the move interval nothing else moves, even when the Deployment is re-delivered.
    touch("web", "1");
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> nodesOf("web").equals(first));

    // After the interval, the second step reaches the demand.
    now.set(Instant.parse("2026-01-01T02:00:00Z"));
    touch("web", "2");
    await().until(() -> nodesOf("web").equals(Set.of("a", "b")));
    assertThat(movedAt("web")).isEqualTo("2026-01-01T02:00:00Z");

    // Converged: more reconciles with nothing changed make no patch.
    String version = get("web").getMetadata().getResourceVersion();
    now.set(Instant.parse("2026-01-01T05:00:00Z"));
    touch("web", "3");
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> "2026-01-01T02:00:00Z".equals(movedAt("web")));
    assertThat(nodesOf("web")).isEqualTo(Set.of("a", "b"));
    assertThat(get("web").getMetadata().getResourceVersion()).isNotEqualTo(version);

    // The Deployment without the annotation was never touched.
    assertThat(nodesOf("other")).isEqualTo(Set.of("c", "d"));
    assertThat(movedAt("other")).isNull();
  }

  @Test
  void onTheSchedulerExtendersNodeDirectoryItMovesAndLeavesTheDirectoryToItsOwner() {
    try (PeerDirectory shared = new PeerDirectory(client, Duration.ofMinutes(10))) {
      shared.start(Duration.ofSeconds(10));
      controller =
          new PlacementController(
              client,
              shared,
              Duration.ofMinutes(10),
              PlacementController.DEFAULT_HYSTERESIS,
              Duration.ofHours(1),
              now::get);
      controller.start(Duration.ofSeconds(10));

      await().until(() -> movedAt("web") != null);
      assertThat(countIn(nodesOf("web"), Set.of("a", "b"))).isEqualTo(1);

      // Closing the controller does not stop the directory it was given.
      controller.close();
      controller = null;
      client.resource(node("f", at(1, 0))).create();
      await().until(() -> shared.peers().containsKey("f"));
    }
  }

  @Test
  void aDeploymentStillRollingOutIsNotMovedAgain() {
    Deployment web = get("web");
    web.getMetadata().setGeneration(3L);
    web.setStatus(
        new DeploymentStatusBuilder().withObservedGeneration(2L).withUpdatedReplicas(1).build());
    client.resource(web).updateStatus();
    startController();

    touch("web", "1");
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> movedAt("web") == null);
    assertThat(nodesOf("web")).isEqualTo(Set.of("c", "d"));
  }

  @Test
  void everyRequestTheControllerMakesIsADeclaredApiUse() throws Exception {
    drain();
    startController();
    await().until(() -> movedAt("web") != null);
    controller.close();
    controller = null;
    List<RecordedRequest> requests = drain();
    // The assertion's own reads of the Deployment are "get", which the controller uses anyway.

    Set<String> declared = new TreeSet<>();
    for (KubernetesApiUse use : KubernetesApiUse.ALL) {
      use.verbs().forEach(v -> declared.add(use.apiGroup() + "/" + use.resource() + ":" + v));
    }
    Set<String> observed = new TreeSet<>();
    requests.forEach(r -> observed.add(ApiUseTest.asRbac(r)));
    assertThat(observed)
        .contains("apps/deployments:watch", "apps/deployments:patch", "/nodes:watch");
    assertThat(declared).containsAll(observed);
  }

  private List<RecordedRequest> drain() throws InterruptedException {
    return ApiUseTest.drain(server);
  }
}
