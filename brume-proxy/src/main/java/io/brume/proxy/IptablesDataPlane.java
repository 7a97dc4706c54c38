package io.brume.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The kernel data plane of one node: keeps brume's iptables NAT chains equal to the services it is
 * given, like kube-proxy's iptables mode.
 *
 * <p>Every update is one {@code iptables-restore --noflush} transaction touching only {@code
 * BRUME-*} chains, so it is atomic and leaves other rules alone. Re-applying the same services is a
 * no-op (nothing is run). {@link #close()} removes the hooks and every brume chain.
 */
public final class IptablesDataPlane implements AutoCloseable {
  private static final List<String> HOOKS = List.of("OUTPUT", "PREROUTING");

  private final List<String> commandPrefix;
  private @Nullable Set<String> ownedChains;
  private @Nullable String applied;

  /**
   * @param commandPrefix prepended to every command, e.g. {@code ip netns exec NAME} to program a
   *     network namespace; empty for the current one
   */
  public IptablesDataPlane(List<String> commandPrefix) {
    this.commandPrefix = List.copyOf(Objects.requireNonNull(commandPrefix, "commandPrefix"));
  }

  /**
   * Makes the NAT chains route {@code services}.
   *
   * @return false when the services render to the rules already applied (no command is run)
   * @throws IOException naming the command and its error output when iptables fails
   */
  public synchronized boolean apply(List<KernelService> services) throws IOException {
    if (ownedChains == null) {
      ownedChains = existingBrumeChains(); // leftovers of a crashed run are ours to replace
    }
    Set<String> chains = IptablesRules.chains(services);
    Set<String> stale = new LinkedHashSet<>(ownedChains);
    stale.removeAll(chains);
    String rules = IptablesRules.render(services, stale);
    if (rules.equals(applied)) {
      return false;
    }
    run(List.of("iptables-restore", "--noflush", "--wait"), rules);
    applied = rules;
    ownedChains = chains;
    ensureHooks();
    return true;
  }

  /**
   * The current {@code nat} table as {@code iptables-save} prints it, for diagnostics, without its
   * comment lines: they carry the time of the dump, so two dumps of the same rules would differ.
   */
  public String save() throws IOException {
    return run(List.of("iptables-save", "-t", "nat"), null)
        .lines()
        .filter(line -> !line.startsWith("#"))
        .collect(Collectors.joining("\n", "", "\n"));
  }

  private void ensureHooks() throws IOException {
    for (String hook : HOOKS) {
      List<String> rule = List.of(hook, "-j", IptablesRules.SERVICES_CHAIN);
      if (!succeeds(iptables("-C", rule))) {
        run(iptables("-I", rule), null);
      }
    }
  }

  private Set<String> existingBrumeChains() throws IOException {
    Set<String> chains = new LinkedHashSet<>();
    for (String line : save().split("\n")) {
      if (line.startsWith(":" + IptablesRules.CHAIN_PREFIX)) {
        chains.add(line.substring(1, line.indexOf(' ')));
      }
    }
    return chains;
  }

  /** Removes the hooks and deletes every brume chain. */
  @Override
  public synchronized void close() throws IOException {
    for (String hook : HOOKS) {
      List<String> rule = List.of(hook, "-j", IptablesRules.SERVICES_CHAIN);
      while (succeeds(iptables("-C", rule))) {
        run(iptables("-D", rule), null);
      }
    }
    Set<String> chains = existingBrumeChains();
    if (!chains.isEmpty()) {
      run(List.of("iptables-restore", "--noflush", "--wait"), IptablesRules.renderDeletion(chains));
    }
    ownedChains = Set.of();
    applied = null;
  }

  private static List<String> iptables(String action, List<String> rule) {
    List<String> command = new ArrayList<>(List.of("iptables", "-w", "-t", "nat", action));
    command.addAll(rule);
    return command;
  }

  private boolean succeeds(List<String> command) throws IOException {
    return execute(command, null).exitCode == 0;
  }

  private String run(List<String> command, @Nullable String input) throws IOException {
    Result result = execute(command, input);
    if (result.exitCode != 0) {
      throw new IOException(
          String.join(" ", command)
              + " failed with exit code "
              + result.exitCode
              + ": "
              + result.stderr.strip()
              + (input == null ? "" : "\ninput was:\n" + input));
    }
    return result.stdout;
  }

  private record Result(int exitCode, String stdout, String stderr) {}

  private Result execute(List<String> command, @Nullable String input) throws IOException {
    List<String> full = new ArrayList<>(commandPrefix);
    full.addAll(command);
    Process process = new ProcessBuilder(full).start();
    try (OutputStream stdin = process.getOutputStream()) {
      if (input != null) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      }
    }
    // iptables' output is small; read stderr on another thread so neither pipe fills up.
    StringBuilder stderr = new StringBuilder();
    Thread errReader =
        Thread.ofVirtual().start(() -> stderr.append(readQuietly(process.getErrorStream())));
    String stdout = readQuietly(process.getInputStream());
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", full) + " did not finish within 30 s");
      }
      errReader.join();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", full), e);
    }
    return new Result(process.exitValue(), stdout, stderr.toString());
  }

  private static String readQuietly(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
