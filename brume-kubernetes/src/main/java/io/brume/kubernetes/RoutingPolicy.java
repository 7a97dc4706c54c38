package io.brume.kubernetes;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The static (kernel data plane) routing policies a Service can name in {@link
 * BrumeAnnotations#POLICY}; names match brume-router's. Weights are computed per node by {@link
 * EndpointWeights}.
 */
public enum RoutingPolicy {
  /** All traffic to the closest ready endpoint (ties split evenly). */
  NEAREST("nearest"),
  /** The n closest endpoints, weighted by their node's spare capacity (the seed's proposal). */
  N_NEAREST_BY_LOAD("n-nearest-by-load"),
  /** Weights ∝ (closest RTT / RTT)^(α/(1−α)): α = 0 uniform, α = 1 closest only. */
  PROXIMITY_ALPHA("proximity-alpha");

  private final String annotationValue;

  RoutingPolicy(String annotationValue) {
    this.annotationValue = annotationValue;
  }

  public String annotationValue() {
    return annotationValue;
  }

  /** The policy named {@code value}, case-insensitively. */
  public static Optional<RoutingPolicy> named(String value) {
    String wanted = value.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(p -> p.annotationValue.equals(wanted)).findFirst();
  }

  /** The accepted names, for error messages. */
  public static String names() {
    return String.join(", ", Arrays.stream(values()).map(RoutingPolicy::annotationValue).toList());
  }
}
