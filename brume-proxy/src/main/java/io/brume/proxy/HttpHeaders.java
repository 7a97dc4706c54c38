package io.brume.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
  String first(String name) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return values.get(i);
      }
    }
    return null;
  }

  /** All values of {@code name}, in order. */
  List<String> all(String name) {
    List<String> all = new ArrayList<>(1);
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        all.add(values.get(i));
      }
    }
    return all;
  }

  boolean contains(String name) {
    return first(name) != null;
  }

  /** True when a comma-separated list header (e.g. {@code Connection}) contains {@code token}. */
  boolean hasToken(String name, String token) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        for (String element : values.get(i).split(",")) {
          if (element.strip().equalsIgnoreCase(token)) {
            return true;
          }
        }
      }
    }
    return false;
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
    for (String connection : all("Connection")) {
      for (String element : connection.split(",")) {
        String named = element.strip().toLowerCase(Locale.ROOT);
        if (!named.isEmpty() && !named.equals("transfer-encoding")) {
          remove(named);
        }
      }
    }
    for (String name :
        List.of(
            "Connection",
            "Keep-Alive",
            "Proxy-Connection",
            "TE",
            "Trailer",
            "Upgrade",
            "Proxy-Authorization",
            "Proxy-Authenticate")) {
      remove(name);
    }
  }

  void appendTo(StringBuilder out) {
    for (int i = 0; i < names.size(); i++) {
      out.append(names.get(i)).append(": ").append(values.get(i)).append("\r\n");
    }
  }
}
