package io.brume.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubernetesAgentSettingsTest {
  @Test
  void environmentVariablesOverrideTheDefaults() {
    KubernetesAgentSettings settings =
        KubernetesAgentSettings.fromEnvironment(
            Map.of(
                "BRUME_RESYNC", "PT1M",
                "BRUME_COORDINATE_MIN_MOVE_MS", "5",
                "BRUME_COORDINATE_MIN_INTERVAL", "PT10S",
                "PATH", "/usr/bin"));

    assertThat(settings.resync()).isEqualTo(Duration.ofMinutes(1));
    assertThat(settings.minMoveMillis()).isEqualTo(5.0);
    assertThat(settings.minPublishInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(KubernetesAgentSettings.fromEnvironment(Map.of()))
        .isEqualTo(KubernetesAgentSettings.defaults());
  }

  @Test
  void aMalformedValueIsNamedWithItsVariable() {
    assertThatThrownBy(
            () -> KubernetesAgentSettings.fromEnvironment(Map.of("BRUME_RESYNC", "5 minutes")))
        .hasMessageContaining("BRUME_RESYNC=\"5 minutes\" is not an ISO-8601 duration");
    assertThatThrownBy(
            () ->
                KubernetesAgentSettings.fromEnvironment(
                    Map.of("BRUME_COORDINATE_MIN_MOVE_MS", "-1")))
        .hasMessageContaining("minMoveMillis must be finite and >= 0: -1.0");
  }

  @Test
  void theNodeNameComesFromTheDownwardApi() {
    assertThat(KubernetesAgentSettings.nodeName(Map.of("NODE_NAME", "edge-1"))).isEqualTo("edge-1");
    assertThatThrownBy(() -> KubernetesAgentSettings.nodeName(Map.of()))
        .hasMessageContaining("NODE_NAME is not set");
  }
}
