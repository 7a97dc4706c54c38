package io.brume.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalViewTest {

  @Test
  void keepsOnlyReadyEndpointsNearestFirstTiesById() {
    ServiceReplica far = ServiceReplica.ready("far", 10);
    ServiceReplica b = ServiceReplica.ready("b", 10);
    ServiceReplica a = ServiceReplica.ready("a", 10);
    ServiceReplica down = new ServiceReplica("down", false, 10);
    Map<String, Double> rtt = Map.of("far", 90.0, "b", 5.0, "a", 5.0, "down", 1.0);

    LocalView view = LocalView.of(List.of(far, b, down, a), e -> rtt.get(e.id()));

    assertThat(view.endpoints()).containsExactly(a, b, far);
    assertThat(view.rttMillis(2)).isEqualTo(90.0);
    assertThat(view.indexOf("down")).isEqualTo(-1);
  }

  @Test
  void noReadyEndpointIsAClearError() {
    List<ServiceReplica> endpoints =
        List.of(new ServiceReplica("x", false, 1), new ServiceReplica("y", false, 1));

    assertThatThrownBy(() -> LocalView.of(endpoints, e -> 1.0))
        .isInstanceOf(NoReadyEndpointsException.class)
        .hasMessage("no ready endpoint to route to: 2 endpoint(s), none ready");
    assertThatThrownBy(() -> LocalView.of(List.of(), e -> 1.0))
        .isInstanceOf(NoReadyEndpointsException.class);
  }

  @Test
  void rejectsBadEstimatesAndDuplicateIds() {
    ServiceReplica a = ServiceReplica.ready("a", 1);
    assertThatThrownBy(() -> LocalView.of(List.of(a), e -> Double.NaN))
        .hasMessageContaining("endpoint a: RTT estimate must be finite and >= 0 ms, got NaN");
    assertThatThrownBy(() -> LocalView.of(List.of(a), e -> -1)).hasMessageContaining("got -1.0");
    assertThatThrownBy(() -> LocalView.of(List.of(a, ServiceReplica.ready("a", 2)), e -> 1))
        .hasMessage("duplicate endpoint id a");
  }

  @Test
  void endpointValidatesCapacity() {
    assertThatThrownBy(() -> ServiceReplica.ready("a", 0))
        .hasMessage("endpoint a: capacityRps must be finite and > 0, got 0.0");
    assertThatThrownBy(() -> ServiceReplica.ready(" ", 1)).hasMessageContaining("blank");
  }
}
