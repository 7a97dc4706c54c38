package io.brume.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.brume.coordinate.Coordinate;
import io.brume.proxy.IptablesDataPlane;
import io.brume.testing.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link KubernetesAgent} with the kernel data plane, in a network namespace of its own (root). */
@EnableKubernetesMockClient(crud = true)
class KubernetesAgentNetnsIT {
  KubernetesClient client;
  private final AtomicReference<Coordinate> coordinate =
      new AtomicReference<>(Coordinate.origin(2));
  private KubernetesAgent agent;

  @BeforeEach
  void cluster() {
    KubernetesAgentTest.cluster(client);
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.stop();
    }
  }

  @Test
  void withTheKernelDataPlaneAnOptedInServiceGetsDnatRulesUntilStop() throws Exception {
    try (TestNamespace namespace = TestNamespace.create("brk8s")) {
      IptablesDataPlane iptables = new IptablesDataPlane(namespace.exec());
      coordinate.set(new Coordinate(new double[] {38, 0}, 0.2, 0.0, 0.5));
      agent =
          new KubernetesAgent(
                  client,
                  "a",
                  coordinate::get,
                  new KernelDataPlane(iptables),
                  KubernetesAgentTest.FAST)
              .start();
      try {
        await().until(() -> KubernetesAgentTest.publishedCoordinate(client) != null);
        // Rules are in address order: b (10.0.0.2) fires with P = 0.1, the nearest, c, takes the
        // remaining 0.9 unconditionally.
        await()
            .untilAsserted(
                () ->
                    assertThat(iptables.save())
                        .contains("-A BRUME-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80")
                        .containsPattern(
                            "10.0.0.2\" -m statistic --mode random --probability 0.1000000")
                        .containsPattern("10.0.0.3\" -j BRUME-SEP-")
                        .contains("--to-destination 10.0.0.3:8080")
                        .contains("--to-destination 10.0.0.2:8080"));
      } finally {
        agent.stop(); // before the namespace goes
      }
      assertThat(iptables.save()).doesNotContain("BRUME-");
    }
  }
}
