package io.brume.pull;

/**
 * Receives {@link PullEvent}s; called from the pull's worker threads, so it must be thread-safe.
 */
@FunctionalInterface
public interface PullListener {
  /** A listener that ignores everything. */
  PullListener NONE = event -> {};

  void onEvent(PullEvent event);
}
