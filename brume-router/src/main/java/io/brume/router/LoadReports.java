package io.brume.router;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Thread-safe latest offered-load report per endpoint; endpoints never heard from count as
 * unloaded.
 */
final class LoadReports {

  // A mutable cell per endpoint: a report is a lookup and a write, not a boxed Double and a put
  // (a simulated fog delivers ~10^8 reports per run).
  private final ConcurrentMap<String, Latest> utilisation = new ConcurrentHashMap<>();

  private static final class Latest {
    volatile double value;
  }

  void report(String endpointId, double value) {
    double checked = Feedback.checkUtilisation(endpointId, value);
    Latest latest = utilisation.get(endpointId);
    if (latest == null) {
      latest = utilisation.computeIfAbsent(endpointId, id -> new Latest());
    }
    latest.value = checked;
  }

  double of(String endpointId) {
    Latest latest = utilisation.get(endpointId);
    return latest == null ? 0.0 : latest.value;
  }
}
