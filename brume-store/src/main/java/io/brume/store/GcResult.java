package io.brume.store;

import io.brume.oci.Digest;
import java.util.List;

/**
 * What one garbage collection removed.
 *
 * @param blobs unreferenced blobs deleted
 * @param snapshots unreferenced or incomplete snapshots deleted
 * @param partials ingest files and staging directories deleted (names)
 * @param bytesFreed file bytes freed
 */
public record GcResult(
    List<Digest> blobs, List<Digest> snapshots, List<String> partials, long bytesFreed) {

  /** Copies the lists. */
  public GcResult {
    blobs = List.copyOf(blobs);
    snapshots = List.copyOf(snapshots);
    partials = List.copyOf(partials);
  }
}
