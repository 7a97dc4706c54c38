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

  /**
   * A socket returns what has arrived, often far less than asked: the allowance of the bytes not
   * delivered must go back to the bucket, or {@code --limit-rate 8M} delivers a fraction of 8M.
   */
  @ParameterizedTest
  @CsvSource({"8388608, 1448", "16777216, 1448", "33554432, 9000", "104857600, 16384", "100000, 7"})
  void deliversTheAskedRateWhenTheSourceReturnsShortReads(long rate, int chunk) throws Exception {
    AtomicLong now = new AtomicLong();
    TokenBucket bucket = new TokenBucket(rate, now::get, d -> now.addAndGet(d.toNanos()));
    long total = rate * 10; // ten seconds of (fake) time at the asked rate
    long delivered = 0;
    try (InputStream in = new RateLimitedInputStream(new ShortReadStream(total, chunk), bucket)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer, 0, buffer.length)) >= 0; ) {
        delivered += n;
      }
    }
    assertThat(delivered).isEqualTo(total);
    double seconds = now.get() / 1e9;
    assertThat(delivered / seconds).isBetween(rate * 0.9, rate * 1.1);
  }

  /**
   * {@code size} zero bytes, at most {@code chunk} per read, like a socket with little buffered.
   */
  private static final class ShortReadStream extends InputStream {
    private long remaining;
    private final int chunk;

    ShortReadStream(long size, int chunk) {
      this.remaining = size;
      this.chunk = chunk;
    }

    @Override
    public int read() {
      return remaining-- > 0 ? 0 : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (remaining <= 0) {
        return -1;
      }
      int n = (int) Math.min(Math.min(length, chunk), remaining);
      remaining -= n;
      return n;
    }
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
