package io.brume.peer;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One satisfiable byte range of a blob of known size, from a {@code Range} header (RFC 9110 §14):
 * {@code bytes=N-}, {@code bytes=N-M} or the suffix form {@code bytes=-K}. Several ranges or a
 * malformed header are ignored (the whole blob is sent), as the RFC allows; a range starting at or
 * past the end is unsatisfiable (416).
 *
 * @param first first byte, inclusive
 * @param last last byte, inclusive
 */
public record ByteRange(long first, long last) {
  private static final Pattern SINGLE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  /** What a {@code Range} header asks of a blob of {@code size} bytes. */
  public sealed interface Request permits Whole, Partial, Unsatisfiable {}

  /** No (usable) Range header: the whole blob, 200. */
  public record Whole() implements Request {}

  /** A satisfiable range: 206. */
  public record Partial(ByteRange range) implements Request {}

  /** 416. */
  public record Unsatisfiable() implements Request {}

  public static Request parse(Optional<String> header, long size) {
    if (header.isEmpty()) {
      return new Whole();
    }
    Matcher m = SINGLE.matcher(header.get().strip());
    if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
      return new Whole();
    }
    try {
      if (m.group(1).isEmpty()) {
        long suffix = Long.parseLong(m.group(2));
        if (suffix == 0) {
          return new Unsatisfiable();
        }
        return new Partial(new ByteRange(Math.max(0, size - suffix), size - 1));
      }
      long first = Long.parseLong(m.group(1));
      long last = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
      if (last < first) {
        return new Whole(); // syntactically invalid: ignore the header
      }
      if (first >= size) {
        return new Unsatisfiable();
      }
      return new Partial(new ByteRange(first, Math.min(last, size - 1)));
    } catch (NumberFormatException e) {
      return new Whole(); // more digits than a long holds
    }
  }

  public long length() {
    return last - first + 1;
  }
}
