package io.brume.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.brume.proxy.IptablesDataPlane;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link KernelDataPlane} against a real kernel: the NAT table of a network namespace this test
 * creates and deletes, so the host's rules are never touched. brume-proxy's own namespace test
 * checks that such rules split connections as their weights say; this one checks what the adapter
 * installs, that repeating it changes nothing, and that removal leaves no trace.
 */
class KernelDataPlaneNetnsTest {
  private final String namespace =
      "brk8s" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
  private IptablesDataPlane iptables;

  @BeforeEach
  void createNamespace() {
    boolean root = run("id", "-u").strip().equals("0");
    assumeTrue(
        root
            && Files.isExecutable(Path.of("/usr/sbin/ip"))
            && Files.isExecutable(Path.of("/usr/sbin/iptables-restore")),
        "needs root, iproute2 and iptables to program a network namespace; test skipped");
    run("ip", "netns", "add", namespace);
    iptables = new IptablesDataPlane(List.of("ip", "netns", "exec", namespace));
  }

  @AfterEach
  void deleteNamespace() {
    if (iptables != null) {
      run("ip", "netns", "del", namespace);
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
    assertThat(withoutCounters(iptables.save())).isEqualTo(withoutCounters(first));

    ServiceKey other = new ServiceKey("shop", "other");
    dataPlane.program(other, KernelDataPlaneTest.webRoute("10.96.0.20"));
    assertThat(iptables.save()).contains("-d 10.96.0.20/32").contains("-d 10.96.0.10/32");
    dataPlane.remove(other);
    assertThat(iptables.save()).doesNotContain("10.96.0.20").contains("-d 10.96.0.10/32");

    dataPlane.removeAll();
    assertThat(iptables.save()).doesNotContain("BRUME-");
    assertThat(dataPlane.programmed()).isEmpty();
  }

  /** iptables-save's header and footer carry a timestamp. */
  private static String withoutCounters(String save) {
    return save.lines().filter(l -> !l.startsWith("#")).toList().toString();
  }

  private static String run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
