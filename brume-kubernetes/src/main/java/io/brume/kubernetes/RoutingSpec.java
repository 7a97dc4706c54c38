package io.brume.kubernetes;

import io.brume.router.RoutingPolicies;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Service's routing settings from its annotations, in brume-router's terms. Invalid values fall
 * back to the default and are listed in {@link Parsed#problems()} so they can be reported, never
 * thrown: a typo in one Service must not stop the agent.
 *
 * @param policy a name from {@link RoutingPolicies#NAMES}
 * @param alpha α for {@code proximity-alpha}, in [0, 1]
 * @param n n for {@code n-nearest-by-load} (≥ 1)
 */
public record RoutingSpec(String policy, double alpha, int n) {
  public static final String DEFAULT_POLICY = "proximity-alpha";
  public static final double DEFAULT_ALPHA = RoutingPolicies.DEFAULT_ALPHA;
  public static final int DEFAULT_N = RoutingPolicies.DEFAULT_N;

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
    String policy = DEFAULT_POLICY;
    String policyValue = annotations.get(BrumeAnnotations.POLICY);
    if (policyValue != null) {
      String wanted = policyValue.trim().toLowerCase(Locale.ROOT);
      if (RoutingPolicies.NAMES.contains(wanted)) {
        policy = wanted;
      } else {
        problems.add(
            BrumeAnnotations.POLICY
                + "=\""
                + policyValue
                + "\" is not one of "
                + String.join(", ", RoutingPolicies.NAMES)
                + "; using "
                + DEFAULT_POLICY);
      }
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
