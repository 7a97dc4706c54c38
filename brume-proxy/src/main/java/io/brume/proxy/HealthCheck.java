package io.brume.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * Active health checking of endpoints: a TCP connect, or an HTTP {@code GET path} that must answer
 * 2xx or 3xx, every {@code interval}. A failed probe ejects a ready endpoint; a passing probe
 * re-admits an ejected one.
 *
 * @param kind what a probe does
 * @param path request path of HTTP probes
 * @param interval time between two probes of the same endpoint
 * @param timeout connect and response timeout of one probe
 */
public record HealthCheck(Kind kind, String path, Duration interval, Duration timeout) {

  /** What a probe does. */
  public enum Kind {
    /** No active checks: ejected endpoints come back after {@code interval}. */
    NONE,
    /** A TCP connection can be opened. */
    TCP,
    /** An HTTP GET answers 2xx or 3xx. */
    HTTP
  }

  public HealthCheck {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("health check path '" + path + "' must start with /");
    }
    if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "health check interval " + interval + " and timeout " + timeout + " must be positive");
    }
  }

  public static HealthCheck http(String path) {
    return new HealthCheck(Kind.HTTP, path, Duration.ofMillis(500), Duration.ofMillis(500));
  }

  public static HealthCheck tcp() {
    return new HealthCheck(Kind.TCP, "/", Duration.ofMillis(500), Duration.ofMillis(500));
  }

  public static HealthCheck none() {
    return new HealthCheck(Kind.NONE, "/", Duration.ofSeconds(5), Duration.ofSeconds(1));
  }

  public HealthCheck withInterval(Duration newInterval) {
    return new HealthCheck(kind, path, newInterval, timeout);
  }
}
