package io.brume.store;

import io.brume.oci.Digest;
import java.nio.file.Path;

/**
 * A committed per-layer snapshot: {@code snapshots/<alg>/<hex>/}, keyed by the layer's diff_id (the
 * digest of its uncompressed tar), so the same layer compressed differently shares one snapshot.
 *
 * @param diffId the layer's uncompressed digest
 * @param directory the snapshot directory; the layer's files are in {@link #diff()}, metadata files
 *     (for example brume-unpack's {@code changes.json}) next to it
 */
public record Snapshot(Digest diffId, Path directory) {
  static final String DIFF = "diff";
  static final String COMPLETE = "complete";

  /** The layer's own files (its diff). */
  public Path diff() {
    return directory.resolve(DIFF);
  }

  /** A metadata file stored with the snapshot. */
  public Path file(String name) {
    return directory.resolve(name);
  }
}
