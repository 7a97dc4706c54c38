package io.brume.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.router.RoutingPolicies;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingSpecTest {
  @Test
  void everyRouterPolicyNameIsAcceptedCaseInsensitively() {
    for (String name : RoutingPolicies.NAMES) {
      RoutingSpec.Parsed parsed =
          RoutingSpec.parse(Map.of(BrumeAnnotations.POLICY, " " + name.toUpperCase() + " "));
      assertThat(parsed.problems()).as(name).isEmpty();
      assertThat(parsed.spec().policy()).isEqualTo(name);
    }
  }

  @Test
  void alphaAndNMapToTheRouterOptions() {
    RoutingSpec.Parsed parsed =
        RoutingSpec.parse(Map.of(BrumeAnnotations.ALPHA, "0.25", BrumeAnnotations.N, "5"));

    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.spec()).isEqualTo(new RoutingSpec("proximity-alpha", 0.25, 5));
  }

  @Test
  void everyInvalidValueIsNamedAndReplacedByItsDefault() {
    RoutingSpec.Parsed parsed =
        RoutingSpec.parse(
            Map.of(
                BrumeAnnotations.POLICY, "closest",
                BrumeAnnotations.ALPHA, "NaN",
                BrumeAnnotations.N, "0"));

    assertThat(parsed.spec())
        .isEqualTo(
            new RoutingSpec(
                RoutingSpec.DEFAULT_POLICY, RoutingSpec.DEFAULT_ALPHA, RoutingSpec.DEFAULT_N));
    assertThat(parsed.problems())
        .hasSize(3)
        .anySatisfy(
            p -> assertThat(p).startsWith("brume.io/policy=\"closest\" is not one of random"))
        .anySatisfy(p -> assertThat(p).contains("brume.io/alpha=\"NaN\""))
        .anySatisfy(p -> assertThat(p).contains("brume.io/n=\"0\""));
  }
}
