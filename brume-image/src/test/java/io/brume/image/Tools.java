package io.brume.image;

import io.brume.testing.Prerequisites;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The external tools the image tests drive (run them with {@link io.brume.testing.Commands}). */
final class Tools {
  private Tools() {}

  /**
   * Fails (under {@code CI=true}) or aborts the test (elsewhere, visibly) when a tool ({@code
   * "tool=debian-package"}) is missing or, with {@code root}, this is not root; the message names
   * the tool and its Debian package.
   */
  static void require(boolean root, List<String> toolsAndPackages) {
    List<String> missing = new ArrayList<>();
    for (String entry : toolsAndPackages) {
      String tool = entry.split("=")[0];
      if (find(tool) == null) {
        missing.add(tool + " (Debian package " + entry.substring(entry.indexOf('=') + 1) + ")");
      }
    }
    Prerequisites.require(missing.isEmpty(), "the tools " + String.join(", ", missing));
    if (root) {
      Prerequisites.requireRoot("debootstrap, crun, containerd");
    }
  }

  /** The executable on PATH (or in /usr/sbin, /sbin), or null. */
  static Path find(String tool) {
    return Prerequisites.find(tool);
  }
}
