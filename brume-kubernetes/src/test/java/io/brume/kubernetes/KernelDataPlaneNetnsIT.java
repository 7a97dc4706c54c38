package io.brume.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.proxy.IptablesDataPlane;
import io.brume.testing.TestNamespace;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link KernelDataPlane} against a real kernel, in a {@link TestNamespace}. brume-proxy's own
 * namespace test checks that such rules split connections as their weights say; this one checks
 * what the adapter installs, that repeating it changes nothing, and that removal leaves no trace.
 */
class KernelDataPlaneNetnsIT {
  private TestNamespace namespace;
  private IptablesDataPlane iptables;

  @BeforeEach
  void createNamespace() {
    namespace = TestNamespace.create("brk8s");
    iptables = new IptablesDataPlane(namespace.exec());
  }

  @AfterEach
  void deleteNamespace() {
    if (namespace != null) {
      namespace.close();
    }
  }

  @Test
  void programsDnatChainsIdempotentlyAndRemovesThemAll() throws IOException {
    KernelDataPlane dataPlane = new KernelDataPlane(iptables);

    dataPlane.program(KernelDataPlaneTest.WEB, KernelDataPlaneTest.webRoute("10.96.0.10"));
    String first = iptables.save();
    assertThat(first)
        .contains("-A OUTPUT -j BRUME-SERVICES")
        .contains("-A PREROUTING -j BRUME-SERVICES")
        .contains("-A BRUME-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80")
        .contains("--probability 0.50000000")
        .contains("--probability 0.60000000")
        .contains("--to-destination 10.0.0.4:8080")
        .doesNotContain("10.0.0.5");

    dataPlane.program(KernelDataPlaneTest.WEB, KernelDataPlaneTest.webRoute("10.96.0.10"));
    assertThat(iptables.save()).isEqualTo(first);

    ServiceKey other = new ServiceKey("shop", "other");
    dataPlane.program(other, KernelDataPlaneTest.webRoute("10.96.0.20"));
    assertThat(iptables.save()).contains("-d 10.96.0.20/32").contains("-d 10.96.0.10/32");
    dataPlane.remove(other);
    assertThat(iptables.save()).doesNotContain("10.96.0.20").contains("-d 10.96.0.10/32");

    dataPlane.removeAll();
    assertThat(iptables.save()).doesNotContain("BRUME-");
    assertThat(dataPlane.programmed()).isEmpty();
  }

  /** iptables-save's header and footer lines carry a timestamp. */
}
