package io.brume.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounded exponential backoff: attempt {@code n} (1-based) waits about {@code initialDelay ×
 * multiplier^(n-1)}, capped at {@code maxDelay}, with random jitter taking off up to half so that
 * many clients do not retry in lockstep. A server's {@code Retry-After} is honoured up to {@code
 * maxRetryAfter}.
 *
 * @param maxAttempts total attempts including the first (1 = no retry)
 * @param initialDelay delay before the second attempt
 * @param maxDelay cap of the exponential delay
 * @param multiplier growth factor per attempt
 * @param maxRetryAfter cap of a server-requested delay
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialDelay,
    Duration maxDelay,
    double multiplier,
    Duration maxRetryAfter) {

  /** Validates the bounds. */
  public RetryPolicy {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (multiplier < 1) {
      throw new IllegalArgumentException("multiplier must be at least 1, got " + multiplier);
    }
  }

  /** 5 attempts, 250 ms doubling up to 8 s (like moby's 5 download attempts, but faster). */
  public static RetryPolicy defaults() {
    return new RetryPolicy(
        5, Duration.ofMillis(250), Duration.ofSeconds(8), 2.0, Duration.ofSeconds(60));
  }

  /** A single attempt. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, Duration.ZERO);
  }

  /** The same policy with {@code attempts} attempts. */
  public RetryPolicy withMaxAttempts(int attempts) {
    return new RetryPolicy(attempts, initialDelay, maxDelay, multiplier, maxRetryAfter);
  }

  /**
   * The delay after failed attempt {@code attempt} (1-based) with jitter drawn from {@code
   * random01} in [0, 1): between half and all of the exponential delay.
   */
  Duration backoff(int attempt, double random01) {
    double base = initialDelay.toNanos() * Math.pow(multiplier, attempt - 1);
    double capped = Math.min(base, maxDelay.toNanos());
    return Duration.ofNanos((long) (capped / 2 + capped / 2 * random01));
  }
}
