package io.brume.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends raw bytes to the proxy and reads everything until it closes the connection. */
final class RawHttp {
  private RawHttp() {}

  static String exchange(InetSocketAddress proxy, String request) {
    return exchange(proxy, request.getBytes(StandardCharsets.ISO_8859_1));
  }

  static String exchange(InetSocketAddress proxy, byte[] request) {
    try (Socket socket = new Socket(proxy.getAddress(), proxy.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException("raw exchange with proxy " + proxy, e);
    }
  }
}
