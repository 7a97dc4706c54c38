package io.brume.snapshotter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * containerd's filter syntax as used on snapshot lists: {@code field==value}, {@code !=}, {@code
 * ~=} (regular expression) or a bare field (present), clauses joined by {@code ,} (and); several
 * filter strings are alternatives (or). Fields: {@code name}, {@code parent}, {@code kind}, {@code
 * labels.KEY} where KEY may be quoted ({@code labels."containerd.io/snapshot.ref"}); values may be
 * quoted.
 */
final class Filters {
  private Filters() {}

  /** A predicate matching what any of {@code filters} selects; everything when there are none. */
  static Predicate<SnapshotInfo> parse(List<String> filters) {
    List<Predicate<SnapshotInfo>> alternatives = new ArrayList<>();
    for (String filter : filters) {
      if (!filter.isBlank()) {
        alternatives.add(parseOne(filter));
      }
    }
    if (alternatives.isEmpty()) {
      return info -> true;
    }
    return info -> alternatives.stream().anyMatch(p -> p.test(info));
  }

  private static Predicate<SnapshotInfo> parseOne(String filter) {
    Parser parser = new Parser(filter);
    Predicate<SnapshotInfo> all = info -> true;
    while (true) {
      all = all.and(parser.clause());
      if (parser.done()) {
        return all;
      }
      parser.expect(',');
    }
  }

  private static final class Parser {
    private final String text;
    private int at;

    Parser(String text) {
      this.text = text;
    }

    boolean done() {
      skipSpaces();
      return at >= text.length();
    }

    void expect(char c) {
      skipSpaces();
      if (at >= text.length() || text.charAt(at) != c) {
        throw invalid("expected '" + c + "'");
      }
      at++;
    }

    Predicate<SnapshotInfo> clause() {
      List<String> field = new ArrayList<>();
      field.add(token());
      while (peek() == '.') {
        at++;
        field.add(token());
      }
      java.util.function.Function<SnapshotInfo, String> value = accessor(field);
      skipSpaces();
      if (text.startsWith("==", at) || text.startsWith("!=", at) || text.startsWith("~=", at)) {
        String operator = text.substring(at, at + 2);
        at += 2;
        String expected = value();
        return switch (operator) {
          case "==" -> info -> expected.equals(value.apply(info));
          case "!=" -> info -> !expected.equals(value.apply(info));
          default -> {
            Pattern pattern = Pattern.compile(expected);
            yield info -> value.apply(info) != null && pattern.matcher(value.apply(info)).find();
          }
        };
      }
      return info -> value.apply(info) != null;
    }

    private java.util.function.Function<SnapshotInfo, String> accessor(List<String> field) {
      String head = field.get(0);
      if (head.equals("labels") && field.size() > 1) {
        String key = String.join(".", field.subList(1, field.size()));
        return info -> info.labels().get(key);
      }
      if (field.size() == 1) {
        switch (head) {
          case "name":
            return SnapshotInfo::name;
          case "parent":
            return SnapshotInfo::parent;
          case "kind":
            return info -> info.kind().name().toLowerCase(Locale.ROOT);
          default:
            break;
        }
      }
      return info -> null; // unknown fields match nothing, as in containerd's adaptors
    }

    private String token() {
      skipSpaces();
      if (at < text.length() && text.charAt(at) == '"') {
        StringBuilder out = new StringBuilder();
        at++;
        while (at < text.length() && text.charAt(at) != '"') {
          char c = text.charAt(at++);
          if (c == '\\' && at < text.length()) {
            c = text.charAt(at++);
          }
          out.append(c);
        }
        if (at >= text.length()) {
          throw invalid("unterminated quote");
        }
        at++;
        return out.toString();
      }
      int start = at;
      while (at < text.length() && ",.=!~ ".indexOf(text.charAt(at)) < 0) {
        at++;
      }
      if (start == at) {
        throw invalid("expected a field or value");
      }
      return text.substring(start, at).trim();
    }

    /** A value: quoted, or everything up to the next comma (values hold dots, colons, slashes). */
    private String value() {
      skipSpaces();
      if (peek() == '"') {
        return token();
      }
      int start = at;
      while (at < text.length() && text.charAt(at) != ',') {
        at++;
      }
      return text.substring(start, at).trim();
    }

    private char peek() {
      return at < text.length() ? text.charAt(at) : 0;
    }

    private void skipSpaces() {
      while (at < text.length() && text.charAt(at) == ' ') {
        at++;
      }
    }

    private SnapshotException invalid(String why) {
      return new SnapshotException(
          SnapshotException.Reason.INVALID_ARGUMENT,
          "invalid filter '" + text + "' at " + at + ": " + why);
    }
  }
}
