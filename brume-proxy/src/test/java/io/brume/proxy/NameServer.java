package io.brume.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A replica for the network-namespace test, run as its own JVM inside a namespace: answers every
 * TCP connection with its name and closes. Prints "ready" once listening.
 */
public final class NameServer {
  private NameServer() {}

  public static void main(String[] args) throws IOException {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    byte[] name = (args[2] + "\n").getBytes(StandardCharsets.UTF_8);
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(InetAddress.getByName(host), port), 512);
      System.out.println("ready");
      System.out.flush();
      while (true) {
        try (Socket client = server.accept()) {
          client.getOutputStream().write(name);
        }
      }
    }
  }
}
