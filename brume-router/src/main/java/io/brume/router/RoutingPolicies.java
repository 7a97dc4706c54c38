package io.brume.router;

import java.time.InstantSource;
import java.util.List;
import java.util.Objects;

/** Creates policies by their command-line name. */
public final class RoutingPolicies {

  /** Every policy name, in the order the simulator reports them. */
  public static final List<String> NAMES =
      List.of(
          "random",
          "round-robin",
          "least-outstanding",
          "nearest",
          "n-nearest-by-load",
          "proximity-alpha",
          "adaptive");

  /**
   * α of {@code proximity-alpha} wherever none is given (simulator, emulated fog, proxy, Kubernetes
   * Services): 0.8, the value docs/bench/routing.md measured.
   */
  public static final double DEFAULT_ALPHA = 0.8;

  /**
   * n of {@code n-nearest-by-load} wherever none is given: 2, the value docs/bench/routing.md
   * measured.
   */
  public static final int DEFAULT_N = 2;

  private RoutingPolicies() {}

  /**
   * Parameters the policies may need.
   *
   * @param alpha α of {@code proximity-alpha}, in [0, 1]
   * @param n n of {@code n-nearest-by-load}, at least 1
   * @param adaptive knobs of {@code adaptive}
   * @param clock time source of {@code adaptive}
   */
  public record Options(double alpha, int n, AdaptiveConfig adaptive, InstantSource clock) {

    /** Checks the references; α and n are checked by the policy that uses them. */
    public Options {
      Objects.requireNonNull(adaptive, "adaptive");
      Objects.requireNonNull(clock, "clock");
    }

    /**
     * brume's defaults: {@link #DEFAULT_ALPHA}, {@link #DEFAULT_N}, {@link
     * AdaptiveConfig#defaults()}.
     */
    public static Options defaults(InstantSource clock) {
      return new Options(DEFAULT_ALPHA, DEFAULT_N, AdaptiveConfig.defaults(), clock);
    }
  }

  /**
   * A new instance (with its own state) of the named policy, for one node.
   *
   * @throws IllegalArgumentException naming the valid names if {@code name} is unknown, or if the
   *     policy rejects its parameter
   */
  public static RoutingPolicy create(String name, Options options) {
    return switch (name) {
      case "random" -> new RandomPolicy();
      case "round-robin" -> new RoundRobinPolicy();
      case "least-outstanding" -> new LeastOutstandingPolicy();
      case "nearest" -> new NearestPolicy();
      case "n-nearest-by-load" -> new NearestByLoadPolicy(options.n());
      case "proximity-alpha" -> new ProximityAlphaPolicy(options.alpha());
      case "adaptive" -> new AdaptivePolicy(options.adaptive(), options.clock());
      default ->
          throw new IllegalArgumentException(
              "unknown routing policy '" + name + "', expected one of " + NAMES);
    };
  }
}
