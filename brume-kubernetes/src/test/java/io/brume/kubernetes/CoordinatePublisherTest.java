package io.brume.kubernetes;

import static io.brume.kubernetes.TestObjects.at;
import static io.brume.kubernetes.TestObjects.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class CoordinatePublisherTest {
  KubernetesClient client;

  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  private final AtomicReference<NodeCoordinate> coordinate = new AtomicReference<>();
  private CoordinatePublisher publisher;

  @BeforeEach
  void setUp() {
    client.resource(node("edge-1", null)).create();
    InstantSource clock = now::get;
    publisher =
        new CoordinatePublisher(
            client,
            "edge-1",
            () -> Optional.ofNullable(coordinate.get()),
            clock,
            CoordinatePublisher.DEFAULT_MIN_MOVE_MILLIS,
            CoordinatePublisher.DEFAULT_MIN_INTERVAL);
  }

  private String published() {
    return client.nodes().withName("edge-1").get().getMetadata().getAnnotations() == null
        ? null
        : client
            .nodes()
            .withName("edge-1")
            .get()
            .getMetadata()
            .getAnnotations()
            .get(BrumeAnnotations.COORDINATE);
  }

  private void advance(Duration d) {
    now.set(now.get().plus(d));
  }

  @Test
  void publishesOnlyMeaningfulMovesAndAtMostOncePerInterval() {
    assertThat(publisher.publishIfMoved()).as("no coordinate yet").isFalse();
    assertThat(published()).isNull();

    coordinate.set(at(10, 0));
    assertThat(publisher.publishIfMoved()).isTrue();
    assertThat(NodeCoordinate.fromJson(published())).isEqualTo(at(10, 0));

    coordinate.set(at(30, 0));
    advance(Duration.ofSeconds(29));
    assertThat(publisher.publishIfMoved()).as("moved, but within the interval").isFalse();

    coordinate.set(at(11, 0));
    advance(Duration.ofSeconds(60));
    assertThat(publisher.publishIfMoved()).as("1 ms < 2 ms threshold").isFalse();
    assertThat(NodeCoordinate.fromJson(published())).isEqualTo(at(10, 0));

    coordinate.set(at(13, 0));
    assertThat(publisher.publishIfMoved()).isTrue();
    assertThat(NodeCoordinate.fromJson(published())).isEqualTo(at(13, 0));
  }

  @Test
  void thePatchKeepsOtherAnnotations() {
    client
        .nodes()
        .withName("edge-1")
        .edit(
            n -> {
              n.getMetadata()
                  .setAnnotations(new java.util.HashMap<>(java.util.Map.of("other", "kept")));
              return n;
            });
    coordinate.set(at(1, 2));

    publisher.publishIfMoved();

    assertThat(client.nodes().withName("edge-1").get().getMetadata().getAnnotations())
        .containsEntry("other", "kept")
        .containsKey(BrumeAnnotations.COORDINATE);
  }
}
