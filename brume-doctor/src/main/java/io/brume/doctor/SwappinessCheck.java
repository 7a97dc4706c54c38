package io.brume.doctor;

import java.util.List;
import java.util.Optional;

/**
 * vm.swappiness on small nodes. The seed's finding: on a memory-starved node whose file cache holds
 * image layers and binaries, swappiness 100 (swap anonymous and file pages alike) beats the default
 * 60, which keeps idle anonymous memory and evicts the file cache until the node thrashes
 * re-reading the SD card. Only relevant with swap configured and on small nodes.
 */
public final class SwappinessCheck implements Check {
  static final int ADVISED = 100;
  private static final String FILE = "/proc/sys/vm/swappiness";

  @Override
  public String name() {
    return "swappiness";
  }

  @Override
  public List<Finding> run(SystemView system) {
    Optional<String> value = system.read(FILE);
    Optional<MemInfo> memory = MemInfo.read(system);
    if (value.isEmpty() || memory.isEmpty()) {
      return List.of(Finding.unknown(name(), "cannot read " + FILE + " or /proc/meminfo"));
    }
    int swappiness;
    try {
      swappiness = Integer.parseInt(value.get());
    } catch (NumberFormatException e) {
      return List.of(Finding.unknown(name(), FILE + " is not a number: " + value.get()));
    }
    MemInfo mem = memory.get();
    if (!mem.isSmallNode()) {
      return List.of(
          Finding.ok(
              name(),
              "vm.swappiness="
                  + swappiness
                  + "; "
                  + MemInfo.human(mem.total())
                  + " of RAM is not memory-starved, no advice"));
    }
    if (mem.swapTotal() <= 0) {
      return List.of(
          Finding.ok(
              name(),
              "vm.swappiness=" + swappiness + " has no effect without swap (see the swap check)"));
    }
    if (swappiness >= ADVISED) {
      return List.of(
          Finding.ok(name(), "vm.swappiness=" + swappiness + " on a small node with swap"));
    }
    return List.of(
        Finding.warn(
                name(),
                "vm.swappiness="
                    + swappiness
                    + " on a "
                    + MemInfo.human(mem.total())
                    + " node with "
                    + MemInfo.human(mem.swapTotal())
                    + " of swap",
                "set vm.swappiness="
                    + ADVISED
                    + " (now: sysctl -w vm.swappiness="
                    + ADVISED
                    + "; at boot: echo 'vm.swappiness = "
                    + ADVISED
                    + "' > /etc/sysctl.d/90-brume.conf)",
                "on a memory-starved node the file cache (image layers, binaries) competes with idle"
                    + " anonymous memory; at "
                    + ADVISED
                    + " the kernel swaps idle memory out instead"
                    + " of evicting the cache and re-reading it from the SD card")
            .withFix(
                s -> {
                  s.write(FILE, ADVISED + "\n");
                  return "wrote "
                      + ADVISED
                      + " to "
                      + FILE
                      + " (until reboot; add /etc/sysctl.d/90-brume.conf to keep it)";
                }));
  }
}
