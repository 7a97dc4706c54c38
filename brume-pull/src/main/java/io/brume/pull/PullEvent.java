package io.brume.pull;

import io.brume.oci.Digest;

/**
 * What a pull reports while it runs, for the CLI's progress lines and the dashboard. Events of one
 * layer arrive in order; events of different layers interleave.
 */
public sealed interface PullEvent {

  /** The layer this event is about. */
  Digest layer();

  /** The layer is known and queued. */
  record Waiting(Digest layer, long size) implements PullEvent {}

  /** The layer was already in the store: nothing to download or extract. */
  record AlreadyPresent(Digest layer, long size) implements PullEvent {}

  /** {@code received} of {@code size} compressed bytes are on disk (resumed bytes included). */
  record Downloading(Digest layer, long received, long size) implements PullEvent {}

  /** The download was interrupted and continues from {@code offset} with an HTTP Range request. */
  record Resuming(Digest layer, long offset, String reason) implements PullEvent {}

  /** Extraction of the layer has started. */
  record Extracting(Digest layer) implements PullEvent {}

  /**
   * {@code bytes} of the layer came from {@code source} ({@code registry} or {@code peer NAME}) in
   * {@code nanos}; one event per source, when the layer's download ends.
   */
  record Transferred(Digest layer, String source, long bytes, long nanos) implements PullEvent {
    /** Whether the bytes came from another node rather than the registry. */
    public boolean fromPeer() {
      return source.startsWith("peer ");
    }
  }

  /** The layer is verified and its snapshot committed. */
  record Done(Digest layer, long size, long uncompressedSize) implements PullEvent {}
}
