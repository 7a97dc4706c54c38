package io.brume.kubernetes;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Deployment's placement settings from its annotations. An invalid value falls back to the
 * default with a warning naming the annotation, never an exception: a typo in one Deployment must
 * not stop the controller.
 *
 * @param percentile the percentile of requests to keep low, in (0, 1]
 * @param boundMillis the latency bound for that percentile; infinite when there is none
 * @param service the Service (same namespace) whose demand counts
 */
public record PlacementSpec(double percentile, double boundMillis, String service) {
  private static final Logger LOG = LoggerFactory.getLogger(PlacementSpec.class);

  /** Default percentile when a Deployment does not set {@code brume.io/placement-percentile}. */
  public static final double DEFAULT_PERCENTILE = 0.9;

  /** True if the Deployment is annotated {@code brume.io/placement: enabled}. */
  static boolean isOptedIn(Deployment d) {
    Map<String, String> annotations = d.getMetadata().getAnnotations();
    return annotations != null
        && BrumeAnnotations.PLACEMENT_ENABLED.equals(annotations.get(BrumeAnnotations.PLACEMENT));
  }

  /** Reads the optional annotations of the Deployment {@code key}; bad values are logged. */
  static PlacementSpec parse(ServiceKey key, Map<String, String> annotations) {
    return new PlacementSpec(
        percentile(key, annotations.get(BrumeAnnotations.PLACEMENT_PERCENTILE)),
        boundMillis(key, annotations.get(BrumeAnnotations.PLACEMENT_BOUND_MS)),
        annotations.getOrDefault(BrumeAnnotations.POD_SERVICE, key.name()));
  }

  private static double percentile(ServiceKey key, @Nullable String value) {
    if (value == null) {
      return DEFAULT_PERCENTILE;
    }
    try {
      double p = Double.parseDouble(value.trim());
      // Both 0.9 and 90 mean the 90th percentile.
      double fraction = p > 1 ? p / 100 : p;
      if (fraction > 0 && fraction <= 1) {
        return fraction;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    LOG.warn(
        "Deployment {}: {}={} ignored, expected (0, 1] or (1, 100]; using {}",
        key,
        BrumeAnnotations.PLACEMENT_PERCENTILE,
        value,
        DEFAULT_PERCENTILE);
    return DEFAULT_PERCENTILE;
  }

  private static double boundMillis(ServiceKey key, @Nullable String value) {
    if (value == null) {
      // No bound: only the hysteresis decides moves.
      return Double.POSITIVE_INFINITY;
    }
    try {
      double bound = Double.parseDouble(value.trim());
      if (bound > 0 && Double.isFinite(bound)) {
        return bound;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    LOG.warn(
        "Deployment {}: {}={} ignored, expected a positive number of ms",
        key,
        BrumeAnnotations.PLACEMENT_BOUND_MS,
        value);
    return Double.POSITIVE_INFINITY;
  }
}
