package io.brume.testing;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace created for one test and deleted by {@link #close()}, so iptables rules and
 * interfaces are programmed for real without touching the host's. Its name is random (several test
 * runs share the machine). Creating one requires root and iproute2/iptables ({@link Prerequisites}:
 * fails naming them under {@code CI=true}).
 */
public final class TestNamespace implements AutoCloseable {
  private final String name;

  private TestNamespace(String prefix) {
    this.name =
        prefix + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    Commands.check("ip", "netns", "add", name);
  }

  /** A new namespace named {@code prefix} + 6 random hex digits (keep it short: names ≤ 15). */
  public static TestNamespace create(String prefix) {
    Prerequisites.requireTools("ip", "iptables", "iptables-restore"); // iproute2, iptables
    Prerequisites.requireRoot("programming a network namespace");
    return new TestNamespace(prefix);
  }

  /** The namespace's name. */
  public String name() {
    return name;
  }

  /** The command prefix that runs a command inside: {@code ip netns exec NAME}. */
  public List<String> exec() {
    return List.of("ip", "netns", "exec", name);
  }

  /** Runs {@code command} inside the namespace; it must succeed within 30 s. */
  public String run(String... command) {
    List<String> full = new ArrayList<>(exec());
    full.addAll(List.of(command));
    return Commands.check(full.toArray(String[]::new));
  }

  @Override
  public void close() {
    Commands.check("ip", "netns", "del", name);
  }
}
