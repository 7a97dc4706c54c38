package io.brume.registry;

import io.brume.oci.Platform;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/** An index offers no manifest for the wanted platform; the message lists what it offers. */
public final class PlatformNotFoundException extends IOException {

  private final List<Platform> available;

  PlatformNotFoundException(String image, Platform wanted, List<Platform> available) {
    super(
        "image "
            + image
            + " has no manifest for platform "
            + wanted
            + "; available: "
            + (available.isEmpty()
                ? "(none)"
                : available.stream().map(Platform::toString).collect(Collectors.joining(", "))));
    this.available = List.copyOf(available);
  }

  /** The platforms the index offers. */
  public List<Platform> available() {
    return available;
  }
}
