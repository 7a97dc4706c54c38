package io.brume.snapshotter;

import java.util.List;

/** A mount containerd performs for a snapshot ({@code containerd.types.Mount}). */
public record Mount(String type, String source, List<String> options) {
  /** Copies the options. */
  public Mount {
    options = List.copyOf(options);
  }
}
