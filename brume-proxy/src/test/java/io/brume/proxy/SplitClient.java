package io.brume.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The client of the network-namespace test, run as its own JVM in the client namespace: opens N
 * connections to the virtual IP one after the other and prints "name count" per replica reached.
 */
public final class SplitClient {
  private SplitClient() {}

  public static void main(String[] args) throws IOException {
    InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    int connections = Integer.parseInt(args[2]);
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < connections; i++) {
      try (Socket socket = new Socket()) {
        socket.connect(target, 2000);
        socket.setSoTimeout(2000);
        BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        counts.merge(reader.readLine(), 1, Integer::sum);
      }
    }
    counts.forEach((name, count) -> System.out.println(name + " " + count));
  }
}
