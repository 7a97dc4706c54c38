package io.brume.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Issue 15: a Node annotation with absurd but finite values must not become an Infinity RTT. */
class NodeCoordinateTest {
  @Test
  void absurdAnnotations_areRefusedWithTheReason() {
    for (String json :
        new String[] {
          "{\"vectorMs\":[1e200,0],\"heightMs\":1,\"adjustmentMs\":0,\"error\":0.1}",
          "{\"vectorMs\":[1,0],\"heightMs\":1e300,\"adjustmentMs\":0,\"error\":0.1}",
          "{\"vectorMs\":[1,0],\"heightMs\":1,\"adjustmentMs\":-1e300,\"error\":0.1}",
          "{\"vectorMs\":[1,0],\"heightMs\":1,\"adjustmentMs\":0,\"error\":-1e300}",
        }) {
      assertThatThrownBy(() -> NodeCoordinate.fromJson(json))
          .as(json)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("impossible");
    }
  }

  @Test
  void plausibleAnnotations_giveFiniteEstimates() {
    NodeCoordinate a =
        NodeCoordinate.fromJson(
            "{\"vectorMs\":[90000,0],\"heightMs\":1,\"adjustmentMs\":0,\"error\":0.1}");
    NodeCoordinate b =
        NodeCoordinate.fromJson(
            "{\"vectorMs\":[-90000,0],\"heightMs\":1,\"adjustmentMs\":0,\"error\":0.1}");
    assertThat(a.estimateRttMillis(b)).isFinite().isEqualTo(180002.0);
  }
}
