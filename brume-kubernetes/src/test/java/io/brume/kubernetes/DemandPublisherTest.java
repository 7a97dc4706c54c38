package io.brume.kubernetes;

import static io.brume.kubernetes.TestObjects.at;
import static io.brume.kubernetes.TestObjects.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class DemandPublisherTest {
  private static final ServiceKey WEB = new ServiceKey("shop", "web");
  private static final ServiceKey API = new ServiceKey("shop", "api");

  KubernetesClient client;
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  private DemandPublisher publisher;

  @BeforeEach
  void cluster() {
    client.resource(node("a", at(0, 0))).create();
    publisher = new DemandPublisher(client, "a", now::get, Duration.ofSeconds(60), 0.2);
  }

  private void advance(Duration d) {
    now.set(now.get().plus(d));
  }

  private void requests(ServiceKey service, int n) {
    for (int i = 0; i < n; i++) {
      publisher.recordRequest(service);
    }
  }

  /** The demand as the scheduler extender and placement controller read it. */
  private Map<String, Long> published() {
    return new NodeAnnotationReader().read(client.nodes().withName("a").get()).demand();
  }

  private String annotation() {
    Map<String, String> annotations =
        client.nodes().withName("a").get().getMetadata().getAnnotations();
    return annotations.get(BrumeAnnotations.DEMAND);
  }

  @Test
  void publishesPerMinuteRatesOnlyWhenTheyChangeMeaningfullyAndNotTooOften() {
    assertThat(publisher.publishIfChanged()).as("no demand yet").isFalse();
    assertThat(annotation()).isNull();

    advance(Duration.ofSeconds(30));
    requests(WEB, 50);
    requests(API, 5);
    assertThat(publisher.publishIfChanged()).isTrue();
    // 50 and 5 requests in half a minute.
    assertThat(published()).isEqualTo(Map.of("shop/web", 100L, "shop/api", 10L));
    // The coordinate annotation is untouched by the merge patch.
    assertThat(client.nodes().withName("a").get().getMetadata().getAnnotations())
        .containsKey(BrumeAnnotations.COORDINATE);

    // Rate-limited: a big change within the interval waits.
    advance(Duration.ofSeconds(30));
    requests(WEB, 500);
    requests(API, 5);
    assertThat(publisher.publishIfChanged()).isFalse();

    // After the interval, the window since the last write (90 s) is published.
    advance(Duration.ofSeconds(60));
    requests(API, 5);
    assertThat(publisher.publishIfChanged()).isTrue();
    assertThat(published()).isEqualTo(Map.of("shop/web", 333L, "shop/api", 7L));

    // A Service without requests in the window is dropped from the annotation.
    advance(Duration.ofSeconds(60));
    requests(WEB, 333);
    assertThat(publisher.publishIfChanged()).isTrue();
    assertThat(published()).isEqualTo(Map.of("shop/web", 333L));

    // Rates within 20 % of the published ones are not worth a write.
    String before = annotation();
    advance(Duration.ofSeconds(60));
    requests(WEB, 300);
    assertThat(publisher.publishIfChanged()).isFalse();
    assertThat(annotation()).isEqualTo(before);
  }
}
