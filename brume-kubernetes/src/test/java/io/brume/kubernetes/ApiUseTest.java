package io.brume.kubernetes;

import static io.brume.kubernetes.TestObjects.at;
import static io.brume.kubernetes.TestObjects.endpoint;
import static io.brume.kubernetes.TestObjects.node;
import static io.brume.kubernetes.TestObjects.service;
import static io.brume.kubernetes.TestObjects.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.brume.coordinate.Coordinate;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Records every request {@link KubernetesAgent} (publisher, peer directory, routing) makes against
 * the mock API server and checks each is listed in {@link KubernetesApiUse} (which the ClusterRole
 * test holds the RBAC to).
 */
@EnableKubernetesMockClient(crud = true)
class ApiUseTest {
  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void everyRequestTheAgentMakesIsADeclaredApiUse() throws Exception {
    client.resource(node("a", at(0, 0))).create();
    client.resource(node("b", at(5, 0))).create();
    client
        .resource(
            service(
                "shop",
                "web",
                Map.of(BrumeAnnotations.ROUTING, "proximity", BrumeAnnotations.N, "-1")))
        .create();
    client.resource(slice("shop", "web", List.of(endpoint("10.0.0.2", "b", true)))).create();
    drain();

    InMemoryDataPlane dataPlane = new InMemoryDataPlane();
    Coordinate measured = new Coordinate(new double[] {1, 1}, 0.2, 0.0, 0.1);
    try (KubernetesAgent agent =
        new KubernetesAgent(client, "a", () -> measured, dataPlane, KubernetesAgentTest.FAST)) {
      agent.start();
      await().until(() -> dataPlane.route(new ServiceKey("shop", "web")).isPresent());
      await()
          .until(
              () ->
                  client
                      .nodes()
                      .withName("a")
                      .get()
                      .getMetadata()
                      .getAnnotations()
                      .containsKey(BrumeAnnotations.COORDINATE));
      await().until(() -> !client.v1().events().inNamespace("shop").list().getItems().isEmpty());
    }
    List<RecordedRequest> requests = drain();
    // The assertion's own list of events above is not the agent's (its Node reads are a "get",
    // which the publisher uses anyway).
    requests.removeIf(
        r ->
            r.getMethod().equals("GET")
                && r.getPath().startsWith("/api/v1/namespaces/shop/events"));

    Set<String> declared = new TreeSet<>();
    for (KubernetesApiUse use : KubernetesApiUse.ALL) {
      use.verbs().forEach(v -> declared.add(use.apiGroup() + "/" + use.resource() + ":" + v));
    }
    Set<String> observed = new TreeSet<>();
    requests.forEach(r -> observed.add(asRbac(r)));
    assertThat(observed)
        .contains("/nodes:patch", "/events:create", "discovery.k8s.io/endpointslices:watch");
    assertThat(declared).containsAll(observed);
  }

  private List<RecordedRequest> drain() throws InterruptedException {
    return drain(server);
  }

  /** Every request {@code server} received since the last drain (waits 200 ms for stragglers). */
  static List<RecordedRequest> drain(KubernetesMockServer server) throws InterruptedException {
    List<RecordedRequest> requests = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
      requests.add(r);
    }
    return requests;
  }

  /** "group/resource:verb" of a request, as RBAC sees it. */
  static String asRbac(RecordedRequest request) {
    String path = request.getPath();
    String query = "";
    int q = path.indexOf('?');
    if (q >= 0) {
      query = path.substring(q + 1);
      path = path.substring(0, q);
    }
    List<String> parts = new ArrayList<>(List.of(path.substring(1).split("/")));
    String group;
    if (parts.getFirst().equals("api")) {
      group = "";
      parts = parts.subList(2, parts.size());
    } else {
      group = parts.get(1);
      parts = parts.subList(3, parts.size());
    }
    if (parts.getFirst().equals("namespaces") && parts.size() > 2) {
      parts = parts.subList(2, parts.size());
    }
    String resource = parts.getFirst();
    boolean named = parts.size() > 1;
    String verb =
        switch (request.getMethod()) {
          case "GET" -> query.contains("watch=true") ? "watch" : named ? "get" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> "delete";
          default -> request.getMethod().toLowerCase(java.util.Locale.ROOT);
        };
    return group + "/" + resource + ":" + verb;
  }
}
