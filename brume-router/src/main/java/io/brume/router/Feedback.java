package io.brume.router;

/**
 * Validation shared by the feedback hooks, so bad measurements fail loudly and name the endpoint.
 */
final class Feedback {

  private Feedback() {}

  static double checkLatency(String endpointId, double latencyMillis) {
    if (!(latencyMillis >= 0) || !Double.isFinite(latencyMillis)) {
      throw new IllegalArgumentException(
          "latency of a request to "
              + endpointId
              + " must be finite and >= 0 ms, got "
              + latencyMillis);
    }
    return latencyMillis;
  }

  static double checkUtilisation(String endpointId, double utilisation) {
    if (!(utilisation >= 0) || !Double.isFinite(utilisation)) {
      throw new IllegalArgumentException(
          "load report of " + endpointId + " must be finite and >= 0, got " + utilisation);
    }
    return utilisation;
  }
}
