package io.brume.doctor;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Kernel features brume's data planes use: the iptables {@code statistic} match (weighted random
 * DNAT, like kube-proxy) and network namespaces (emulation and tests).
 */
public final class KernelFeatureCheck implements Check {
  @Override
  public String name() {
    return "kernel features";
  }

  @Override
  public List<Finding> run(SystemView system) {
    List<Finding> findings = new ArrayList<>();
    findings.add(statisticMatch(system));
    if (system.exists("/proc/self/ns/net")) {
      findings.add(Finding.ok("network namespaces", "/proc/self/ns/net present"));
    } else {
      findings.add(
          Finding.warn(
              "network namespaces",
              "no /proc/self/ns/net",
              "use a kernel built with CONFIG_NET_NS=y",
              "brume's emulated fogs and integration tests run each node in its own netns"));
    }
    return findings;
  }

  private static Finding statisticMatch(SystemView system) {
    String check = "iptables statistic";
    if (system
        .read("/proc/net/ip_tables_matches")
        .orElse("")
        .lines()
        .anyMatch("statistic"::equals)) {
      return Finding.ok(check, "xt_statistic loaded");
    }
    Optional<String> release = system.read("/proc/sys/kernel/osrelease");
    if (release.isPresent()) {
      String modules = "/lib/modules/" + release.get();
      if (system.read(modules + "/modules.builtin").orElse("").contains("/xt_statistic.ko")) {
        return Finding.ok(check, "xt_statistic built into kernel " + release.get());
      }
      for (String suffix : List.of("", ".xz", ".zst", ".gz")) {
        if (Files.exists(system.path(modules + "/kernel/net/netfilter/xt_statistic.ko" + suffix))) {
          return Finding.ok(check, "xt_statistic available as a module (loaded on first use)");
        }
      }
    }
    return Finding.warn(
        check,
        "xt_statistic is neither loaded nor found under /lib/modules",
        "install your distribution's full kernel modules package (e.g. linux-modules-extra)",
        "brume's kernel data plane splits connections with '-m statistic --mode random'");
  }
}
