package io.brume.registry;

import java.time.Duration;

/** Waits for a duration; injected so that retries and rate limits are testable without time. */
@FunctionalInterface
public interface Sleeper {

  /** Sleeps for {@code duration}. */
  void sleep(Duration duration) throws InterruptedException;

  /** The real {@link Thread#sleep(Duration)}. */
  static Sleeper system() {
    return Thread::sleep;
  }
}
