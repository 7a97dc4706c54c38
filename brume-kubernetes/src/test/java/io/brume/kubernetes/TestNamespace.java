package io.brume.kubernetes;

import io.brume.proxy.IptablesDataPlane;
import io.brume.testing.Prerequisites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace created for one test and deleted by {@link #close()}, so iptables rules are
 * programmed for real without touching the host's. Skips the test (an assumption, with the reason)
 * when not root or iproute2/iptables are missing.
 */
final class TestNamespace implements AutoCloseable {
  private final String name =
      "brk8s" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);

  private TestNamespace() {
    run("ip", "netns", "add", name);
  }

  static TestNamespace createOrSkip() {
    Prerequisites.requireTools("ip", "iptables-restore"); // Debian packages iproute2, iptables
    Prerequisites.requireRoot("programming a network namespace");
    return new TestNamespace();
  }

  /** brume-proxy's iptables data plane for this namespace's NAT table. */
  IptablesDataPlane iptables() {
    return new IptablesDataPlane(List.of("ip", "netns", "exec", name));
  }

  @Override
  public void close() {
    run("ip", "netns", "del", name);
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
