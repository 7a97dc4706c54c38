package io.brume.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimitTest {

  @ParameterizedTest
  @CsvSource({
    "4096, 4096",
    "500k, 512000",
    "500K, 512000",
    "10M, 10485760",
    "1.5MB/s, 1572864",
    "2GiB/s, 2147483648",
    "100B, 100",
    "' 64 k ', 65536"
  })
  void parsesRates(String text, long bytesPerSecond) {
    assertThat(RateLimit.parseBytesPerSecond(text)).isEqualTo(bytesPerSecond);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "fast", "-1M", "10X", "0", "0.1", "1..5M", "M"})
  void rejectsMalformedRatesNamingThem(String text) {
    assertThatThrownBy(() -> RateLimit.parseBytesPerSecond(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void limitsThroughputOnAFakeClock() throws Exception {
    AtomicLong now = new AtomicLong();
    AtomicLong slept = new AtomicLong();
    Sleeper sleeper =
        d -> {
          slept.addAndGet(d.toNanos());
          now.addAndGet(d.toNanos());
        };
    long rate = 100_000;
    TokenBucket bucket = new TokenBucket(rate, now::get, sleeper);
    byte[] data = new byte[1_000_000];
    try (InputStream in = new RateLimitedInputStream(new ByteArrayInputStream(data), bucket)) {
      assertThat(in.readAllBytes()).hasSize(data.length);
    }
    // 1 MB at 100 kB/s takes 10 s of (fake) time, give or take one burst.
    assertThat(Duration.ofNanos(slept.get()))
        .isBetween(Duration.ofMillis(9_700), Duration.ofMillis(10_100));
  }

  @Test
  void burstIsBounded() throws Exception {
    AtomicLong now = new AtomicLong();
    TokenBucket bucket = new TokenBucket(1_000_000, now::get, d -> now.addAndGet(d.toNanos()));
    now.addAndGet(Duration.ofHours(1).toNanos()); // idle for long: bucket must not hoard an hour
    int granted = bucket.acquire(Integer.MAX_VALUE);
    assertThat(granted).isEqualTo(250_000);
  }
}
