package io.brume.router;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread-safe count of this node's in-flight requests per endpoint. */
final class OutstandingRequests {

  private final ConcurrentMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  void started(String endpointId) {
    AtomicInteger count = counts.get(endpointId); // the common case, without computeIfAbsent's lock
    (count != null ? count : counter(endpointId)).incrementAndGet();
  }

  /**
   * @throws IllegalStateException if more requests finished than started: the caller's bookkeeping
   *     is broken
   */
  void finished(String endpointId) {
    AtomicInteger count = counts.get(endpointId);
    if (count == null || count.getAndUpdate(c -> c > 0 ? c - 1 : c) == 0) {
      throw new IllegalStateException(
          "request to " + endpointId + " finished but none was started (requestStarted missing?)");
    }
  }

  /**
   * The live counter of {@code endpointId} (created at 0 if none), for a caller that reads it
   * often.
   */
  AtomicInteger counter(String endpointId) {
    return counts.computeIfAbsent(endpointId, id -> new AtomicInteger());
  }

  int of(String endpointId) {
    AtomicInteger count = counts.get(endpointId);
    return count == null ? 0 : count.get();
  }
}
