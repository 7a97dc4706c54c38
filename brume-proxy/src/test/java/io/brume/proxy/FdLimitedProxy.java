package io.brume.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A proxy in its own JVM, for {@link FileDescriptorLimitTest}: proxies to the endpoint port given
 * as the argument, prints {@code listening PORT}, and stops when its standard input closes.
 */
public final class FdLimitedProxy {
  private FdLimitedProxy() {}

  public static void main(String[] args) throws IOException {
    Endpoint endpoint = new Endpoint("a", "127.0.0.1", Integer.parseInt(args[0]));
    try (ProxyServer proxy =
        new ProxyServer(
                ProxyConfig.http(new InetSocketAddress("127.0.0.1", 0), List.of(endpoint))
                    .withHealthCheck(HealthCheck.none()))
            .start()) {
      System.out.println("listening " + proxy.address().getPort());
      System.out.flush();
      System.in.read(new byte[1]); // until the parent closes our stdin
    }
  }
}
