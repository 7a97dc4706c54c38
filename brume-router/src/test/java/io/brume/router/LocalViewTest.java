package io.brume.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalViewTest {

  @Test
  void keepsOnlyReadyEndpointsNearestFirstTiesById() {
    Endpoint far = Endpoint.ready("far", 10);
    Endpoint b = Endpoint.ready("b", 10);
    Endpoint a = Endpoint.ready("a", 10);
    Endpoint down = new Endpoint("down", false, 10);
    Map<String, Double> rtt = Map.of("far", 90.0, "b", 5.0, "a", 5.0, "down", 1.0);

    LocalView view = LocalView.of(List.of(far, b, down, a), e -> rtt.get(e.id()));

    assertThat(view.endpoints()).containsExactly(a, b, far);
    assertThat(view.rttMillis(2)).isEqualTo(90.0);
    assertThat(view.indexOf("down")).isEqualTo(-1);
  }

  @Test
  void noReadyEndpointIsAClearError() {
    List<Endpoint> endpoints = List.of(new Endpoint("x", false, 1), new Endpoint("y", false, 1));

    assertThatThrownBy(() -> LocalView.of(endpoints, e -> 1.0))
        .isInstanceOf(NoReadyEndpointsException.class)
        .hasMessage("no ready endpoint to route to: 2 endpoint(s), none ready");
    assertThatThrownBy(() -> LocalView.of(List.of(), e -> 1.0))
        .isInstanceOf(NoReadyEndpointsException.class);
  }

  @Test
  void rejectsBadEstimatesAndDuplicateIds() {
    Endpoint a = Endpoint.ready("a", 1);
    assertThatThrownBy(() -> LocalView.of(List.of(a), e -> Double.NaN))
        .hasMessageContaining("endpoint a: RTT estimate must be finite and >= 0 ms, got NaN");
    assertThatThrownBy(() -> LocalView.of(List.of(a), e -> -1)).hasMessageContaining("got -1.0");
    assertThatThrownBy(() -> LocalView.of(List.of(a, Endpoint.ready("a", 2)), e -> 1))
        .hasMessage("duplicate endpoint id a");
  }

  @Test
  void endpointValidatesCapacity() {
    assertThatThrownBy(() -> Endpoint.ready("a", 0))
        .hasMessage("endpoint a: capacityRps must be finite and > 0, got 0.0");
    assertThatThrownBy(() -> Endpoint.ready(" ", 1)).hasMessageContaining("blank");
  }
}
