package io.brume.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Every duration flag of every command ({@code up --duration}, {@code scheduler-extender --resync},
 * …): {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1.5h}, {@code 1h30m}, a plain
 * number of seconds, or ISO-8601 ({@code PT5M}); must be positive.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
  private static final Pattern PARTS = Pattern.compile("(\\d+(?:\\.\\d+)?(ms|s|m|h|d))+");

  @Override
  public Duration convert(String value) {
    Duration d = parse(value);
    if (d == null) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration (write e.g. 30s, 5m, 1h, 1h30m, 500ms or PT5M)");
    }
    if (!d.isPositive()) {
      throw new TypeConversionException("a duration must be > 0, got '" + value + "'");
    }
    return d;
  }

  /** The duration, or null if {@code value} is none of the accepted forms. */
  static @Nullable Duration parse(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("pt") || v.startsWith("p")) {
        return Duration.parse(v);
      }
      if (v.matches("\\d+(\\.\\d+)?")) {
        return Duration.ofNanos(Math.round(Double.parseDouble(v) * 1e9));
      }
      if (!PARTS.matcher(v).matches()) {
        return null;
      }
      Duration total = Duration.ZERO;
      Matcher part = PART.matcher(v);
      while (part.find()) {
        double amount = Double.parseDouble(part.group(1));
        double nanosPerUnit =
            switch (part.group(2)) {
              case "ms" -> 1e6;
              case "s" -> 1e9;
              case "m" -> 60e9;
              case "h" -> 3600e9;
              default -> 86_400e9;
            };
        double nanos = amount * nanosPerUnit;
        if (nanos > Long.MAX_VALUE / 2.0) {
          return null;
        }
        total = total.plusNanos(Math.round(nanos));
      }
      return total;
    } catch (DateTimeParseException | ArithmeticException e) {
      return null;
    }
  }
}
