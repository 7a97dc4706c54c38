package io.brume.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Free memory and swap: a node that runs out of memory kills containers or freezes mid-pull. */
public final class MemoryCheck implements Check {
  /** Below this fraction of RAM available, pulls and new containers risk the OOM killer. */
  static final double MIN_AVAILABLE_FRACTION = 0.10;

  static final long MIN_AVAILABLE_BYTES = 128 * MemInfo.MIB;

  /** Swap more than this full means the node already lives on swap. */
  static final double MAX_SWAP_USED_FRACTION = 0.5;

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public List<Finding> run(SystemView system) {
    Optional<MemInfo> memory = MemInfo.read(system);
    if (memory.isEmpty() || memory.get().total() <= 0 || memory.get().available() < 0) {
      return List.of(Finding.unknown(name(), "cannot read MemTotal/MemAvailable in /proc/meminfo"));
    }
    MemInfo mem = memory.get();
    List<Finding> findings = new ArrayList<>();
    String state = MemInfo.human(mem.available()) + " available of " + MemInfo.human(mem.total());
    if (mem.available() < MIN_AVAILABLE_BYTES
        || mem.available() < MIN_AVAILABLE_FRACTION * mem.total()) {
      findings.add(
          Finding.warn(
              name(),
              state,
              "stop unneeded services or move workloads off this node",
              "below 10% (or 128 MiB) available, unpacking an image or starting a container can"
                  + " trigger the OOM killer"));
    } else {
      findings.add(Finding.ok(name(), state));
    }
    if (mem.swapTotal() <= 0) {
      if (mem.isSmallNode()) {
        findings.add(
            Finding.warn(
                "swap",
                "no swap on a " + MemInfo.human(mem.total()) + " node",
                "add compressed swap in RAM (apt install zram-tools) or a swap file on fast storage",
                "without swap, idle anonymous memory pins RAM and the kernel can only evict the file"
                    + " cache, which on small nodes makes every pull and start re-read the disk"));
      } else {
        findings.add(Finding.ok("swap", "no swap; fine with " + MemInfo.human(mem.total())));
      }
    } else {
      long used = mem.swapTotal() - Math.max(0, mem.swapFree());
      String swapState =
          MemInfo.human(used) + " of " + MemInfo.human(mem.swapTotal()) + " swap used";
      if (used > MAX_SWAP_USED_FRACTION * mem.swapTotal()) {
        findings.add(
            Finding.warn(
                "swap",
                swapState,
                "reduce the workload on this node or add memory",
                "more than half the swap in use means the working set does not fit in RAM"));
      } else {
        findings.add(Finding.ok("swap", swapState));
      }
    }
    return findings;
  }
}
