package io.brume.kubernetes;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The knobs of {@link KubernetesAgent}, read from the {@code BRUME_*} environment variables the
 * DaemonSet's ConfigMap sets (the manifest test keeps the two in line).
 *
 * @param resync informer resync: every opted-in Service is reconciled again this often
 * @param publishPeriod how often the coordinate is offered to {@link CoordinatePublisher}, whose
 *     own limits decide whether it is written
 * @param minMoveMillis publish only when the coordinate moved at least this many ms
 * @param minPublishInterval and no sooner than this after the previous write
 * @param workers Services reconciled concurrently (each at most once at a time)
 * @param startTimeout how long start may wait for the informers' first lists
 */
public record KubernetesAgentSettings(
    Duration resync,
    Duration publishPeriod,
    double minMoveMillis,
    Duration minPublishInterval,
    int workers,
    Duration startTimeout) {

  /** The variable with this node's name (the downward API's {@code spec.nodeName}). */
  public static final String NODE_NAME = "NODE_NAME";

  public static final String RESYNC = "BRUME_RESYNC";
  public static final String MIN_MOVE_MS = "BRUME_COORDINATE_MIN_MOVE_MS";
  public static final String MIN_INTERVAL = "BRUME_COORDINATE_MIN_INTERVAL";

  /** Every variable {@link #fromEnvironment} reads. */
  public static final List<String> VARIABLES = List.of(RESYNC, MIN_MOVE_MS, MIN_INTERVAL);

  /** Validates; messages name the setting. */
  public KubernetesAgentSettings {
    requirePositive("resync", resync);
    requirePositive("publishPeriod", publishPeriod);
    Objects.requireNonNull(minPublishInterval, "minPublishInterval");
    if (minPublishInterval.isNegative()) {
      throw new IllegalArgumentException("minPublishInterval is negative: " + minPublishInterval);
    }
    requirePositive("startTimeout", startTimeout);
    if (!(minMoveMillis >= 0) || !Double.isFinite(minMoveMillis)) {
      throw new IllegalArgumentException("minMoveMillis must be finite and >= 0: " + minMoveMillis);
    }
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be >= 1: " + workers);
    }
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (!value.isPositive()) {
      throw new IllegalArgumentException(name + " must be > 0: " + value);
    }
  }

  /** Resync 5 min, coordinate offered every 5 s, published on 2 ms moves at most every 30 s. */
  public static KubernetesAgentSettings defaults() {
    return new KubernetesAgentSettings(
        Duration.ofMinutes(5),
        Duration.ofSeconds(5),
        CoordinatePublisher.DEFAULT_MIN_MOVE_MILLIS,
        CoordinatePublisher.DEFAULT_MIN_INTERVAL,
        2,
        Duration.ofSeconds(60));
  }

  /**
   * The defaults overridden by {@link #VARIABLES} present in {@code env}.
   *
   * @throws IllegalArgumentException naming the variable and its value when one is malformed
   */
  public static KubernetesAgentSettings fromEnvironment(Map<String, String> env) {
    KubernetesAgentSettings d = defaults();
    try {
      return new KubernetesAgentSettings(
          duration(env, RESYNC, d.resync()),
          d.publishPeriod(),
          number(env, MIN_MOVE_MS, d.minMoveMillis()),
          duration(env, MIN_INTERVAL, d.minPublishInterval()),
          d.workers(),
          d.startTimeout());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid brume setting: " + e.getMessage(), e);
    }
  }

  /**
   * This node's name from {@link #NODE_NAME}.
   *
   * @throws IllegalArgumentException if it is not set
   */
  public static String nodeName(Map<String, String> env) {
    String name = env.get(NODE_NAME);
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(
          NODE_NAME + " is not set; the DaemonSet sets it from the downward API (spec.nodeName)");
    }
    return name.strip();
  }

  private static Duration duration(Map<String, String> env, String name, Duration fallback) {
    String value = env.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Duration.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          name + "=\"" + value + "\" is not an ISO-8601 duration such as PT30S", e);
    }
  }

  private static double number(Map<String, String> env, String name, double fallback) {
    String value = env.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "=\"" + value + "\" is not a number", e);
    }
  }
}
