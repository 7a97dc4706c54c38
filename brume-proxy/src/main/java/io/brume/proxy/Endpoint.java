package io.brume.proxy;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One replica of a service: a stable name (used by policies and in metrics) and where to connect.
 *
 * @param name identifies the replica, e.g. the pod or node it runs on; unique within a service
 * @param host IP address or host name of the replica
 * @param port TCP port of the replica, 1–65535
 */
public record Endpoint(String name, String host, int port) {

  public Endpoint {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    if (name.isBlank()) {
      throw new IllegalArgumentException("endpoint name is blank (host " + host + ")");
    }
    if (host.isBlank()) {
      throw new IllegalArgumentException("endpoint " + name + " has a blank host");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(
          "endpoint " + name + " has port " + port + ", not 1-65535");
    }
  }

  /**
   * Parses {@code [name=]host:port}; without a name the endpoint is named {@code host:port}.
   *
   * @throws IllegalArgumentException naming the text when it is not of that form
   */
  public static Endpoint parse(String text) {
    String spec = text.strip();
    String name = null;
    int equals = spec.indexOf('=');
    if (equals >= 0) {
      name = spec.substring(0, equals);
      spec = spec.substring(equals + 1);
    }
    int colon = spec.lastIndexOf(':');
    if (colon <= 0 || colon == spec.length() - 1) {
      throw new IllegalArgumentException("endpoint '" + text + "' is not [name=]host:port");
    }
    String host = spec.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(spec.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("endpoint '" + text + "' has a non-numeric port", e);
    }
    return new Endpoint(name == null ? spec : name, host, port);
  }

  /** The socket address to connect to (resolves the host name). */
  public InetSocketAddress socketAddress() {
    return new InetSocketAddress(host, port);
  }

  /** {@code host:port}, with IPv6 literals in brackets, as used in {@code Host} headers. */
  public String authority() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
