package io.brume.proxy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Header fields in arrival order; names compared case-insensitively, as HTTP requires. */
final class HttpHeaders {
  private final List<String> names = new ArrayList<>();
  private final List<String> values = new ArrayList<>();

  void add(String name, String value) {
    names.add(name);
    values.add(value);
  }

  int size() {
    return names.size();
  }

  String name(int index) {
    return names.get(index);
  }

  String value(int index) {
    return values.get(index);
  }

  /** The first value of {@code name}, or null. */
  @Nullable String first(String name) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return values.get(i);
      }
    }
    return null;
  }

  /** All values of {@code name}, in order (a shared empty list when there is none). */
  List<String> all(String name) {
    List<String> all = List.of();
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        if (all.isEmpty()) {
          all = new ArrayList<>(1);
        }
        all.add(values.get(i));
      }
    }
    return all;
  }

  /** How many fields are named {@code name}. */
  int count(String name) {
    int count = 0;
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        count++;
      }
    }
    return count;
  }

  boolean contains(String name) {
    return first(name) != null;
  }

  /** True when a comma-separated list header (e.g. {@code Connection}) contains {@code token}. */
  boolean hasToken(String name, String token) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name) && listContains(values.get(i), token)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the comma-separated {@code list} has an element equal to {@code token}, ignoring case.
   */
  private static boolean listContains(String list, String token) {
    int start = 0;
    while (start <= list.length()) {
      int comma = list.indexOf(',', start);
      int end = comma < 0 ? list.length() : comma;
      int from = start;
      int to = end;
      while (from < to && isSpace(list.charAt(from))) {
        from++;
      }
      while (to > from && isSpace(list.charAt(to - 1))) {
        to--;
      }
      if (to - from == token.length() && list.regionMatches(true, from, token, 0, to - from)) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }

  void remove(String name) {
    for (int i = names.size() - 1; i >= 0; i--) {
      if (names.get(i).equalsIgnoreCase(name)) {
        names.remove(i);
        values.remove(i);
      }
    }
  }

  /**
   * Removes hop-by-hop fields (RFC 9110 §7.6.1): the fixed list and every field named in {@code
   * Connection}. {@code Transfer-Encoding} is kept: the proxy forwards chunked bodies chunked.
   */
  void removeHopByHop() {
    // all() allocates nothing for the common request without a Connection header.
    for (String connection : all("Connection")) {
      for (String element : connection.split(",")) {
        String named = element.strip();
        if (!named.isEmpty() && !named.equalsIgnoreCase("transfer-encoding")) {
          remove(named);
        }
      }
    }
    int kept = 0;
    for (int i = 0; i < names.size(); i++) {
      if (!isFixedHopByHop(names.get(i))) {
        names.set(kept, names.get(i));
        values.set(kept, values.get(i));
        kept++;
      }
    }
    names.subList(kept, names.size()).clear();
    values.subList(kept, values.size()).clear();
  }

  private static boolean isFixedHopByHop(String name) {
    return switch (name.length()) {
      case 2 -> name.equalsIgnoreCase("TE");
      case 7 -> name.equalsIgnoreCase("Trailer") || name.equalsIgnoreCase("Upgrade");
      case 10 -> name.equalsIgnoreCase("Connection") || name.equalsIgnoreCase("Keep-Alive");
      case 16 -> name.equalsIgnoreCase("Proxy-Connection");
      case 18 -> name.equalsIgnoreCase("Proxy-Authenticate");
      case 19 -> name.equalsIgnoreCase("Proxy-Authorization");
      default -> false;
    };
  }

  /** Writes every field as {@code name: value CRLF}. */
  void writeTo(HttpOutput out) throws IOException {
    for (int i = 0; i < names.size(); i++) {
      out.writeAscii(names.get(i));
      out.writeAscii(": ");
      out.writeAscii(values.get(i));
      out.writeAscii("\r\n");
    }
  }
}
