package io.brume.snapshotter;

import java.time.Instant;
import java.util.Map;

/**
 * What containerd knows of a snapshot ({@code snapshots.Info}).
 *
 * @param name the key of an active or view snapshot, the name of a committed one
 * @param parent the committed parent's name, or "" for none
 */
public record SnapshotInfo(
    String name,
    String parent,
    Kind kind,
    Instant created,
    Instant updated,
    Map<String, String> labels) {

  /** Copies the labels. */
  public SnapshotInfo {
    labels = Map.copyOf(labels);
  }
}
