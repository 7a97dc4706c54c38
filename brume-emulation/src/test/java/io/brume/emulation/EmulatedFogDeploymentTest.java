package io.brume.emulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.brume.coordinate.RttDatasets;
import io.brume.dashboard.DeploymentView;
import io.brume.oci.Descriptor;
import io.brume.oci.Digest;
import io.brume.store.ContentStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A small fog that deploys the demo image before it serves: both lanes reach every replica host,
 * the brume lane gets bytes from peers when two replicas share a site, every layer is verified, and
 * closing the fog deletes the node stores.
 */
class EmulatedFogDeploymentTest {

  @Test
  void bothLanesDeployToEveryHostAndPeersHelpTheBrumeLane() throws Exception {
    FogConfig defaults = FogConfig.defaults(RttDatasets.aws12(), 12);
    FogConfig config =
        new FogConfig(
            defaults.dataset(),
            12,
            4,
            1.0,
            defaults.serviceTime(),
            defaults.workersPerReplica(),
            Duration.ofMillis(100),
            Duration.ofSeconds(2),
            "adaptive",
            11L);
    DeploymentConfig deployment =
        new DeploymentConfig(true, 2, 35, 1_000_000, 4_000_000, 600_000, 200_000);
    Path stores;
    EmulatedFog fog = EmulatedFog.start(config, deployment);
    try {
      Deployment d = fog.deployment().orElseThrow();
      stores = d.root();
      assertThat(fog.deployments())
          .hasSize(8)
          .allSatisfy(
              v ->
                  assertThat(v.state())
                      .isIn(DeploymentView.State.PENDING, DeploymentView.State.PULLING));

      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(fog::deploymentDone);

      List<DeploymentView> views = fog.deployments();
      views.forEach(System.out::println);
      System.out.println("time until all replicas serve: " + fog.deploymentSeconds());
      long imageBytes = d.image().layerBytes();
      assertThat(views)
          .allSatisfy(
              v -> {
                assertThat(v.state()).isEqualTo(DeploymentView.State.READY);
                assertThat(v.bytesFromPeers() + v.bytesFromOrigin())
                    .isGreaterThanOrEqualTo(imageBytes);
                assertThat(v.readySeconds()).isPositive();
              });
      assertThat(views.stream().map(DeploymentView::node).distinct())
          .containsExactlyInAnyOrderElementsOf(fog.replicaHosts());
      long brumePeers = peerBytes(views, Deployment.BRUME);
      assertThat(brumePeers).as("bytes from peers in the brume lane").isPositive();
      assertThat(peerBytes(views, Deployment.DOCKER)).isZero();
      assertThat(fog.deploymentSeconds()).containsOnlyKeys("brume", "docker");
      assertThat(fog.deploymentSeconds().values()).allSatisfy(s -> assertThat(s).isFinite());

      for (DeploymentLane lane : d.lanes()) {
        for (Map.Entry<String, ContentStore> store : lane.stores().entrySet()) {
          for (Descriptor layer : d.image().manifest().layers()) {
            Path blob = store.getValue().blobs().path(layer.digest());
            assertThat(Digest.sha256(Files.readAllBytes(blob)))
                .as(lane.name() + " " + store.getKey())
                .isEqualTo(layer.digest());
          }
        }
      }

      // The replicas serve once their image is there: the load runs and succeeds.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> fog.dashboard().stats().policies().get(0).requests() >= 20);
    } finally {
      fog.close();
    }
    assertThat(stores).doesNotExist();
    assertThat(fog.deployments()).hasSize(8);
  }

  @Test
  void closingMidDeploymentReleasesEverythingAndDeletesTheStores() {
    FogConfig defaults = FogConfig.defaults(RttDatasets.aws12(), 6);
    FogConfig config =
        new FogConfig(
            defaults.dataset(),
            6,
            4,
            1.0,
            defaults.serviceTime(),
            defaults.workersPerReplica(),
            Duration.ofMillis(100),
            Duration.ofMillis(500),
            "adaptive",
            12L);
    // A slow origin: the pulls are certainly still running when the fog closes.
    DeploymentConfig slow = new DeploymentConfig(true, 2, 1000, 100_000, 1_000_000, 2_000_000, 0);
    EmulatedFog fog = EmulatedFog.start(config, slow);
    Path stores = fog.deployment().orElseThrow().root();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                fog.deployments().stream()
                    .anyMatch(
                        v -> v.state() == DeploymentView.State.PULLING && v.bytesTotal() > 0));

    long start = System.nanoTime();
    fog.close(); // throws if a thread outlives it

    assertThat((System.nanoTime() - start) / 1e9).isLessThan(15);
    assertThat(stores).doesNotExist();
  }

  private static long peerBytes(List<DeploymentView> views, String lane) {
    return views.stream()
        .filter(v -> v.lane().equals(lane))
        .mapToLong(DeploymentView::bytesFromPeers)
        .sum();
  }
}
