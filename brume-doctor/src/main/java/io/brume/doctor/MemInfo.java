package io.brume.doctor;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** {@code /proc/meminfo}, in bytes. */
record MemInfo(Map<String, Long> bytes) {
  static final long GIB = 1L << 30;
  static final long MIB = 1L << 20;

  /** Small nodes (Raspberry-Pi class): where the seed's memory advice applies. */
  static final long SMALL_NODE_BYTES = 4 * GIB;

  static Optional<MemInfo> read(SystemView system) {
    return system.read("/proc/meminfo").map(MemInfo::parse);
  }

  static MemInfo parse(String text) {
    Map<String, Long> bytes = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] parts = line.trim().split("[:\\s]+");
      if (parts.length >= 2) {
        try {
          long value = Long.parseLong(parts[1]);
          bytes.put(parts[0], parts.length >= 3 && parts[2].equals("kB") ? value * 1024 : value);
        } catch (NumberFormatException e) {
          // not a numeric line
        }
      }
    }
    return new MemInfo(bytes);
  }

  long get(String key) {
    return bytes.getOrDefault(key, -1L);
  }

  long total() {
    return get("MemTotal");
  }

  long available() {
    return get("MemAvailable");
  }

  long swapTotal() {
    return get("SwapTotal");
  }

  long swapFree() {
    return get("SwapFree");
  }

  boolean isSmallNode() {
    return total() > 0 && total() <= SMALL_NODE_BYTES;
  }

  static String human(long bytes) {
    return bytes >= GIB
        ? String.format("%.1f GiB", bytes / (double) GIB)
        : String.format("%d MiB", bytes / MIB);
  }
}
