package io.brume.kubernetes.extender;

import java.net.InetSocketAddress;

/** Parses {@code ADDR:PORT} (or {@code [v6]:PORT}) as given to {@code --listen}. */
public final class ListenAddress {
  private ListenAddress() {}

  /**
   * Parses {@code value}.
   *
   * @throws IllegalArgumentException naming the expected form
   */
  public static InetSocketAddress parse(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException(
          "listen address must be ADDR:PORT (e.g. 0.0.0.0:8888), got: " + value);
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "listen port must be 0-65535, got: " + value.substring(colon + 1));
    }
    return new InetSocketAddress(host, port);
  }
}
