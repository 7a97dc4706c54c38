package io.brume.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLException;

/**
 * Runs a request under a {@link RetryPolicy}: retries connection failures, timeouts, 429 (waiting
 * for {@code Retry-After}) and 5xx; returns every other response, including 401/403/404, for the
 * caller to turn into a precise error.
 */
final class Retrier {

  /** One attempt of a request. */
  @FunctionalInterface
  interface Attempt<T> {
    HttpResponse<T> send() throws IOException, InterruptedException;
  }

  private static final System.Logger LOG = System.getLogger(Retrier.class.getName());

  private final RetryPolicy policy;
  private final Sleeper sleeper;
  private final RandomGenerator random;
  private final java.time.Clock clock;

  Retrier(RetryPolicy policy, Sleeper sleeper, RandomGenerator random, java.time.Clock clock) {
    this.policy = policy;
    this.sleeper = sleeper;
    this.random = random;
    this.clock = clock;
  }

  <T> HttpResponse<T> run(String action, Attempt<T> attempt)
      throws IOException, InterruptedException {
    for (int n = 1; ; n++) {
      HttpResponse<T> response;
      try {
        response = attempt.send();
      } catch (IOException e) {
        if (!isTransient(e) || n >= policy.maxAttempts()) {
          throw e instanceof RegistryException ? e : transportFailure(action, n, e);
        }
        pause(action, n, policy.backoff(n, random.nextDouble()), e.toString());
        continue;
      }
      int status = response.statusCode();
      if ((status == 429 || status >= 500) && n < policy.maxAttempts()) {
        Duration delay = policy.backoff(n, random.nextDouble());
        if (status == 429 || status == 503) {
          delay = retryAfter(response).map(this::capRetryAfter).orElse(delay);
        }
        discard(response);
        pause(action, n, delay, "HTTP " + status);
        continue;
      }
      return response;
    }
  }

  /** Releases the connection of a response that will not be read. */
  static void discard(HttpResponse<?> response) throws IOException {
    if (response.body() instanceof InputStream in) {
      in.close();
    }
  }

  private RegistryException transportFailure(String action, int attempts, IOException e) {
    String what = reason(e);
    String hint =
        e instanceof SSLException
            ? " (TLS failed: is the registry's certificate trusted? --insecure skips verification,"
                + " --plain-http uses HTTP)"
            : e instanceof java.net.ConnectException
                ? " (is a registry running at that address, and the host and port right?)"
                : "";
    return new RegistryException(
        action + ": " + what + hint + (attempts > 1 ? " (after " + attempts + " attempts)" : ""),
        e);
  }

  /**
   * What went wrong in words: java.net.http often throws a {@link java.net.ConnectException}
   * without a message, its reason ("Connection refused") being on a cause.
   */
  static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.nio.channels.UnresolvedAddressException
          || t instanceof java.net.UnknownHostException) {
        return "unknown host" + (t.getMessage() == null ? "" : " " + t.getMessage());
      }
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        String message = t.getMessage();
        return t instanceof java.net.ConnectException
            ? "cannot connect: " + message.toLowerCase(java.util.Locale.ROOT)
            : t.getClass().getSimpleName() + ": " + message;
      }
    }
    return e instanceof java.net.ConnectException
        ? "cannot connect (refused or unreachable)"
        : e instanceof java.net.http.HttpTimeoutException
            ? "timed out"
            : e.getClass().getSimpleName();
  }

  private Duration capRetryAfter(Duration requested) {
    return requested.compareTo(policy.maxRetryAfter()) > 0 ? policy.maxRetryAfter() : requested;
  }

  private void pause(String action, int attempt, Duration delay, String reason)
      throws InterruptedException {
    LOG.log(
        System.Logger.Level.DEBUG,
        "{0}: attempt {1} failed ({2}), retrying in {3} ms",
        action,
        attempt,
        reason,
        delay.toMillis());
    sleeper.sleep(delay);
  }

  /**
   * Transport errors worth retrying: resets, timeouts, early EOF. TLS failures (bad certificate)
   * and our own verification errors will not heal by retrying.
   */
  static boolean isTransient(IOException e) {
    if (e instanceof SSLException
        || e instanceof RegistryException
        || e instanceof DigestMismatchException
        || e instanceof java.nio.channels.ClosedByInterruptException) {
      return false;
    }
    if (e instanceof InterruptedIOException) {
      return e instanceof java.net.SocketTimeoutException;
    }
    // Resets, refused connections, early EOF, request timeouts (HttpTimeoutException).
    return true;
  }

  Optional<Duration> retryAfter(HttpResponse<?> response) {
    Optional<String> header = response.headers().firstValue("Retry-After").map(String::strip);
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String value = header.get();
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration until = Duration.between(clock.instant(), when.toInstant());
        return Optional.of(until.isNegative() ? Duration.ZERO : until);
      } catch (DateTimeParseException unparseable) {
        return Optional.empty();
      }
    }
  }
}
