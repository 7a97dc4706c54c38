package io.brume.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class IptablesRulesTest {
  private static KernelService web(double... weights) {
    List<KernelService.WeightedEndpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      endpoints.add(
          new KernelService.WeightedEndpoint(
              new Endpoint("r" + i, "10.0." + i + ".2", 8080), weights[i]));
    }
    return new KernelService("default/web", "10.96.0.10", 80, endpoints);
  }

  private static List<Double> probabilities(String rules) {
    Matcher m = Pattern.compile("--probability (\\S+)").matcher(rules);
    List<Double> probabilities = new ArrayList<>();
    while (m.find()) {
      probabilities.add(Double.parseDouble(m.group(1)));
    }
    return probabilities;
  }

  @Test
  void conditionalProbabilitiesReproduceTheWeightsExactly() {
    double[] weights = {1, 2, 3, 4};
    String rules = IptablesRules.render(List.of(web(weights)), Set.of());

    List<Double> p = probabilities(rules);
    assertThat(p).hasSize(weights.length - 1);
    assertThat(rules)
        .contains("--probability 0.2222222222 ")
        .contains("--probability 0.4285714286 ");
    // P(i) = p_i * prod_{j<i} (1 - p_j), the last rule takes what is left.
    double notYet = 1;
    for (int i = 0; i < weights.length; i++) {
      double pi = i < p.size() ? p.get(i) : 1.0;
      assertThat(notYet * pi).isCloseTo(weights[i] / 10, org.assertj.core.data.Offset.offset(1e-9));
      notYet *= 1 - pi;
    }
  }

  @Test
  void rendersServiceJumpEndpointChainsAndUnconditionalLastRule() {
    KernelService service = web(1, 1);
    String rules = IptablesRules.render(List.of(service), Set.of());
    String svc = IptablesRules.serviceChain(service);
    String sep0 = IptablesRules.endpointChain(service, service.endpoints().get(0).endpoint());
    String sep1 = IptablesRules.endpointChain(service, service.endpoints().get(1).endpoint());

    assertThat(rules.lines())
        .containsExactly(
            "*nat",
            ":BRUME-SERVICES - [0:0]",
            ":" + svc + " - [0:0]",
            ":" + sep0 + " - [0:0]",
            ":" + sep1 + " - [0:0]",
            "-A BRUME-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80"
                + " -m comment --comment \"default/web\" -j "
                + svc,
            "-A "
                + svc
                + " -m comment --comment \"default/web -> r0\""
                + " -m statistic --mode random --probability 0.5000000000 -j "
                + sep0,
            "-A " + svc + " -m comment --comment \"default/web -> r1\" -j " + sep1,
            "-A "
                + sep0
                + " -m comment --comment \"default/web -> r0\""
                + " -p tcp -m tcp -j DNAT --to-destination 10.0.0.2:8080",
            "-A "
                + sep1
                + " -m comment --comment \"default/web -> r1\""
                + " -p tcp -m tcp -j DNAT --to-destination 10.0.1.2:8080",
            "COMMIT");
  }

  @Test
  void chainNamesAreStableHashedAndShortEnough() {
    KernelService service = web(1);
    Set<String> chains = IptablesRules.chains(List.of(service));

    assertThat(chains).allSatisfy(chain -> assertThat(chain).hasSizeLessThanOrEqualTo(28));
    assertThat(IptablesRules.serviceChain(service))
        .matches("BRUME-SVC-[A-Z2-7]{16}")
        .isEqualTo(IptablesRules.serviceChain(web(5)))
        .isNotEqualTo(
            IptablesRules.serviceChain(
                new KernelService("default/api", "10.96.0.10", 80, service.endpoints())));
  }

  @Test
  void zeroWeightsGetNoRuleAndAllZeroMeansNoJump() {
    String rules = IptablesRules.render(List.of(web(0, 3, 0, 1)), Set.of());
    assertThat(probabilities(rules)).containsExactly(0.75);
    assertThat(rules)
        .contains("10.0.1.2:8080")
        .contains("10.0.3.2:8080")
        .doesNotContain("10.0.0.2");

    assertThat(IptablesRules.render(List.of(web(0, 0)), Set.of())).doesNotContain("-A ");
  }

  @Test
  void deletesStaleChainsButOnlyBrumeOnes() {
    String rules = IptablesRules.render(List.of(), Set.of("BRUME-SVC-OLD"));
    assertThat(rules).contains(":BRUME-SVC-OLD - [0:0]\n").contains("-X BRUME-SVC-OLD\n");

    assertThatThrownBy(() -> IptablesRules.render(List.of(), Set.of("KUBE-SERVICES")))
        .hasMessageContaining("KUBE-SERVICES");
  }

  @Test
  void rejectsNonIpv4EndpointsAndBadWeights() {
    Endpoint named = new Endpoint("n", "replica.local", 80);
    assertThatThrownBy(() -> new KernelService.WeightedEndpoint(named, 1))
        .hasMessageContaining("replica.local");
    Endpoint ip = new Endpoint("n", "10.0.0.1", 80);
    assertThatThrownBy(() -> new KernelService.WeightedEndpoint(ip, Double.NaN))
        .hasMessageContaining("NaN");
  }
}
