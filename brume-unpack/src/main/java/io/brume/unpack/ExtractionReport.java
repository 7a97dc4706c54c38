package io.brume.unpack;

import java.util.List;

/**
 * The outcome of extracting or applying one layer.
 *
 * @param entries tar entries (or diff objects) processed
 * @param streamBytes uncompressed bytes read from the tar stream (0 when applying a diff)
 * @param writtenBytes file content bytes written
 * @param changes whiteouts, opaque dirs, lower-layer hard links and implicit dirs recorded (empty
 *     when they were applied directly)
 * @param skipped what was deliberately not reproduced, one line each naming the entry and why
 * @param neutralised entries rewritten to stay inside the root (absolute names), naming each
 */
public record ExtractionReport(
    long entries,
    long streamBytes,
    long writtenBytes,
    LayerChanges changes,
    List<String> skipped,
    List<String> neutralised) {

  /** Copies the lists. */
  public ExtractionReport {
    skipped = List.copyOf(skipped);
    neutralised = List.copyOf(neutralised);
  }
}
