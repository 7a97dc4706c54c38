package io.brume.registry;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses transfer rates for {@code --limit-rate}: a number with an optional binary unit like curl's
 * ({@code k} = 1024 bytes), optional {@code B}/{@code iB} and {@code /s}: {@code 500k}, {@code
 * 10M}, {@code 1.5MB/s}, {@code 2GiB/s}, {@code 4096}.
 */
public final class RateLimit {

  private static final Pattern RATE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmg]?)(?:i?b)?(?:/s)?", Pattern.CASE_INSENSITIVE);

  private RateLimit() {}

  /**
   * The rate in bytes per second.
   *
   * @throws IllegalArgumentException naming the input when it is malformed or not positive
   */
  public static long parseBytesPerSecond(String text) {
    Matcher matcher = RATE.matcher(text.strip());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "invalid rate '"
              + text
              + "': expected a number with optional k/M/G, e.g. 500k or 1.5MB/s");
    }
    long multiplier =
        switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 1L << 10;
          case "m" -> 1L << 20;
          case "g" -> 1L << 30;
          default -> 1L;
        };
    long bytes =
        new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(multiplier)).longValue();
    if (bytes <= 0) {
      throw new IllegalArgumentException("invalid rate '" + text + "': must be at least 1 byte/s");
    }
    return bytes;
  }
}
