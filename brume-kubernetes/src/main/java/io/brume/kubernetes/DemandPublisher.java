package io.brume.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests this node's proxy forwards per Service ({@link DemandRecorder}) and publishes
 * them as the {@link BrumeAnnotations#DEMAND} annotation of the node's Node, which the scheduler
 * extender and the placement controller read as demand.
 *
 * <p>The published value is requests per minute over the window since the last publication, so
 * nodes with different windows stay comparable. Like {@link CoordinatePublisher} it writes only
 * when worth it: the first time there is demand, then no sooner than {@code minInterval} after the
 * previous write and only if a Service appeared, disappeared or changed its rate by at least {@code
 * minRelativeChange}; otherwise the window keeps growing, which smooths the rate. One JSON merge
 * patch per publication (verbs {@code get} and {@code patch} on {@code nodes}, as the
 * coordinate's); {@link #recordRequest} is thread-safe, {@link #publishIfChanged} is called from
 * one loop.
 */
public final class DemandPublisher implements DemandRecorder {
  /** Default minimum time between two writes of the annotation. */
  public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(60);

  /** Default relative change of one Service's rate that is worth a write. */
  public static final double DEFAULT_MIN_RELATIVE_CHANGE = 0.2;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final String nodeName;
  private final InstantSource clock;
  private final Duration minInterval;
  private final double minRelativeChange;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  private Instant windowStart;
  private Map<String, Long> lastPublished;
  private Instant lastPublishedAt;

  public DemandPublisher(
      KubernetesClient client,
      String nodeName,
      InstantSource clock,
      Duration minInterval,
      double minRelativeChange) {
    this.client = Objects.requireNonNull(client, "client");
    this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.minInterval = Objects.requireNonNull(minInterval, "minInterval");
    if (minInterval.isNegative() || minInterval.isZero()) {
      throw new IllegalArgumentException("minInterval must be positive, got " + minInterval);
    }
    if (!(minRelativeChange >= 0)) {
      throw new IllegalArgumentException(
          "minRelativeChange must be >= 0, got " + minRelativeChange);
    }
    this.minRelativeChange = minRelativeChange;
    this.windowStart = clock.instant();
  }

  @Override
  public void recordRequest(ServiceKey service) {
    counts.computeIfAbsent(service.toString(), k -> new LongAdder()).increment();
  }

  /**
   * Publishes the per-minute rates if the rate limit allows and they changed meaningfully.
   *
   * @return true if the Node was patched
   */
  public boolean publishIfChanged() {
    Instant now = clock.instant();
    Instant since = lastPublishedAt == null ? windowStart : lastPublishedAt;
    if (lastPublishedAt != null && now.isBefore(lastPublishedAt.plus(minInterval))) {
      return false;
    }
    double minutes = Math.max(Duration.between(since, now).toMillis(), 1) / 60_000.0;
    Map<String, Long> rates = new TreeMap<>();
    for (Map.Entry<String, LongAdder> e : counts.entrySet()) {
      long count = e.getValue().sum();
      if (count > 0) {
        rates.put(e.getKey(), Math.max(1, Math.round(count / minutes)));
      }
    }
    if (lastPublished == null ? rates.isEmpty() : !changed(lastPublished, rates)) {
      return false;
    }
    patch(rates);
    // Reset after the write: requests counted meanwhile belong to the next window either way.
    for (Map.Entry<String, LongAdder> e : counts.entrySet()) {
      e.getValue().reset();
    }
    lastPublished = rates;
    lastPublishedAt = now;
    return true;
  }

  private boolean changed(Map<String, Long> before, Map<String, Long> after) {
    if (!before.keySet().equals(after.keySet())) {
      return true;
    }
    for (Map.Entry<String, Long> e : after.entrySet()) {
      long old = before.get(e.getKey());
      if (Math.abs(e.getValue() - old) >= minRelativeChange * old) {
        return true;
      }
    }
    return false;
  }

  private void patch(Map<String, Long> rates) {
    ObjectNode value = JSON.createObjectNode();
    rates.forEach(value::put);
    NodeAnnotationPatch.set(client, nodeName, BrumeAnnotations.DEMAND, value.toString());
  }
}
