package io.brume.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.proxy.IptablesRules;
import io.brume.proxy.KernelService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The translation of a Service route into brume-proxy's kernel services and iptables rules. */
class KernelDataPlaneTest {
  static final ServiceKey WEB = new ServiceKey("shop", "web");

  static ServiceRoute webRoute(String clusterIp) {
    return new ServiceRoute(
        clusterIp,
        List.of(
            new ServiceRoute.PortMapping("http", "TCP", 80, 8080),
            new ServiceRoute.PortMapping("dns", "UDP", 53, 5353)),
        List.of(
            new WeightedPod("10.0.0.2", "b", 0.5),
            new WeightedPod("10.0.0.3", "c", 0.3),
            new WeightedPod("10.0.0.4", "d", 0.2),
            new WeightedPod("10.0.0.5", "e", 0.0)));
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
  void aServiceTcpPortDnatsToItsWeightedEndpointsOnTheTargetPort() {
    List<KernelService> services = KernelDataPlane.kernelServices(WEB, webRoute("10.96.0.10"));

    assertThat(services).hasSize(1);
    KernelService http = services.getFirst();
    assertThat(http.name()).isEqualTo("shop/web:http");
    assertThat(http.virtualIp()).isEqualTo("10.96.0.10");
    assertThat(http.port()).isEqualTo(80);

    String rules = IptablesRules.render(services, Set.of());
    assertThat(rules)
        .startsWith("*nat\n:BRUME-SERVICES - [0:0]\n")
        .contains("-A BRUME-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80 ")
        .contains("-j DNAT --to-destination 10.0.0.2:8080\n")
        .contains("-j DNAT --to-destination 10.0.0.3:8080\n")
        .contains("-j DNAT --to-destination 10.0.0.4:8080\n")
        .endsWith("COMMIT\n");
    // A zero weight gets no rule; UDP is left to kube-proxy.
    assertThat(rules).doesNotContain("10.0.0.5").doesNotContain("udp").doesNotContain("5353");
    // Conditional probabilities: 0.5 of all, then 0.3 of the remaining 0.5, then the rest.
    assertThat(probabilities(rules)).containsExactly(0.5, 0.6);
    assertThat(rules.lines().filter(l -> l.contains("-j BRUME-SEP-"))).hasSize(3);
  }

  @Test
  void anUnnamedPortIsNamedByItsNumber() {
    ServiceRoute route =
        new ServiceRoute(
            "10.96.0.11",
            List.of(new ServiceRoute.PortMapping("", "TCP", 8443, 443)),
            List.of(new WeightedPod("10.0.0.2", "b", 1.0)));

    assertThat(KernelDataPlane.kernelServices(WEB, route))
        .singleElement()
        .satisfies(s -> assertThat(s.name()).isEqualTo("shop/web:8443"));
  }

  @Test
  void headlessAndIpv6ServicesAreLeftToKubeProxy() {
    assertThat(KernelDataPlane.kernelServices(WEB, webRoute("None"))).isEmpty();
    assertThat(KernelDataPlane.kernelServices(WEB, webRoute("fd00::10"))).isEmpty();
  }

  @Test
  void aServiceWithoutReadyEndpointsGetsNoJump() {
    ServiceRoute route =
        new ServiceRoute(
            "10.96.0.10",
            List.of(new ServiceRoute.PortMapping("http", "TCP", 80, 8080)),
            List.of());

    String rules = IptablesRules.render(KernelDataPlane.kernelServices(WEB, route), Set.of());

    assertThat(rules).doesNotContain("-A BRUME-SERVICES").doesNotContain("DNAT");
  }
}
