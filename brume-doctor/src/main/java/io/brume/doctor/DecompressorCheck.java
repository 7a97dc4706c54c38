package io.brume.doctor;

import java.util.ArrayList;
import java.util.List;

/**
 * External decompressors brume's puller can pipe layers through: igzip (ISA-L, fastest gzip), then
 * unpigz/pigz, and zstd for zstd layers. Inflate is the bottleneck of a pull even on servers.
 */
public final class DecompressorCheck implements Check {
  static final List<String> GZIP = List.of("igzip", "unpigz", "pigz");

  @Override
  public String name() {
    return "decompressors";
  }

  @Override
  public List<Finding> run(SystemView system) {
    List<String> found = new ArrayList<>();
    for (String tool : GZIP) {
      system.which(tool).ifPresent(p -> found.add(tool));
    }
    boolean zstd = system.which("zstd").isPresent();
    List<Finding> findings = new ArrayList<>();
    if (found.isEmpty()) {
      findings.add(
          Finding.warn(
              name(),
              "no igzip, unpigz or pigz on PATH",
              "apt install isal (igzip) or pigz",
              "gzip inflate dominates pull time; igzip is ~3x and pigz ~1.5x faster than Java's"
                  + " built-in inflater"));
    } else {
      findings.add(Finding.ok(name(), "gzip: " + String.join(", ", found)));
    }
    findings.add(
        zstd
            ? Finding.ok("zstd", "zstd on PATH")
            : Finding.ok("zstd", "no zstd binary; brume decodes zstd layers in-process"));
    return findings;
  }
}
