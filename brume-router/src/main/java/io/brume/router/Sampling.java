package io.brume.router;

import java.util.random.RandomGenerator;

/**
 * Turns a policy's weights into a per-request choice, so both data planes use the same
 * distribution.
 */
final class Sampling {

  private Sampling() {}

  static ServiceReplica draw(LocalView view, EndpointWeights weights, RandomGenerator random) {
    return view.endpoint(weights.sampleIndex(random));
  }

  static double[] uniform(int size) {
    double[] raw = new double[size];
    java.util.Arrays.fill(raw, 1.0);
    return raw;
  }
}
