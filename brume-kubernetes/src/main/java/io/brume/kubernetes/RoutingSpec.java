package io.brume.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Service's routing settings from its annotations. Invalid values fall back to the default and
 * are listed in {@link Parsed#problems()} so they can be reported, never thrown: a typo in one
 * Service must not stop the agent.
 *
 * @param policy the policy
 * @param alpha α for {@code proximity-alpha}, in [0, 1]
 * @param n spread over at most this many closest endpoints (≥ 1)
 */
public record RoutingSpec(RoutingPolicy policy, double alpha, int n) {
  public static final RoutingPolicy DEFAULT_POLICY = RoutingPolicy.PROXIMITY_ALPHA;
  public static final double DEFAULT_ALPHA = 0.8;

  /** Default n: enough endpoints to survive one failure and spread load. */
  public static final int DEFAULT_N = 3;

  /** The result of parsing: the effective spec and what was wrong, if anything. */
  public record Parsed(RoutingSpec spec, List<String> problems) {
    public Parsed {
      problems = List.copyOf(problems);
    }
  }

  /** True if {@code annotations} opt the Service in. */
  public static boolean isOptedIn(Map<String, String> annotations) {
    return annotations != null
        && BrumeAnnotations.ROUTING_PROXIMITY.equals(annotations.get(BrumeAnnotations.ROUTING));
  }

  /** Reads the optional annotations; every bad value is named in the problems. */
  public static Parsed parse(Map<String, String> annotations) {
    List<String> problems = new ArrayList<>();
    RoutingPolicy policy = DEFAULT_POLICY;
    String policyValue = annotations.get(BrumeAnnotations.POLICY);
    if (policyValue != null) {
      policy =
          RoutingPolicy.named(policyValue)
              .orElseGet(
                  () -> {
                    problems.add(
                        BrumeAnnotations.POLICY
                            + "=\""
                            + policyValue
                            + "\" is not one of "
                            + RoutingPolicy.names()
                            + "; using "
                            + DEFAULT_POLICY.annotationValue());
                    return DEFAULT_POLICY;
                  });
    }
    double alpha = DEFAULT_ALPHA;
    String alphaValue = annotations.get(BrumeAnnotations.ALPHA);
    if (alphaValue != null) {
      try {
        alpha = Double.parseDouble(alphaValue.trim());
      } catch (NumberFormatException e) {
        alpha = Double.NaN;
      }
      if (!(alpha >= 0 && alpha <= 1)) {
        problems.add(
            BrumeAnnotations.ALPHA
                + "=\""
                + alphaValue
                + "\" is not a number in [0, 1]; using "
                + DEFAULT_ALPHA);
        alpha = DEFAULT_ALPHA;
      }
    }
    int n = DEFAULT_N;
    String nValue = annotations.get(BrumeAnnotations.N);
    if (nValue != null) {
      try {
        n = Integer.parseInt(nValue.trim());
      } catch (NumberFormatException e) {
        n = 0;
      }
      if (n < 1) {
        problems.add(
            BrumeAnnotations.N + "=\"" + nValue + "\" is not an integer >= 1; using " + DEFAULT_N);
        n = DEFAULT_N;
      }
    }
    return new Parsed(new RoutingSpec(policy, alpha, n), problems);
  }
}
