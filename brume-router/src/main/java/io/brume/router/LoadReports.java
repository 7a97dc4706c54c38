package io.brume.router;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Thread-safe latest offered-load report per endpoint; endpoints never heard from count as
 * unloaded.
 */
final class LoadReports {

  private final ConcurrentMap<String, Double> utilisation = new ConcurrentHashMap<>();

  void report(String endpointId, double value) {
    utilisation.put(endpointId, Feedback.checkUtilisation(endpointId, value));
  }

  double of(String endpointId) {
    return utilisation.getOrDefault(endpointId, 0.0);
  }
}
