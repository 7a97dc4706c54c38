import io.brume.proxy.Endpoint;
import io.brume.proxy.EndpointChoosers;
import io.brume.proxy.ProxyConfig;
import io.brume.proxy.ProxyServer;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Runs brume's L7 proxy for the bench, the same configuration `brume proxy --listen ...
 * --endpoints ... --policy round-robin` builds. Launched as a single source file so the bench does
 * not depend on the whole CLI building. Args: LISTEN_PORT BACKEND_HOST:PORT POLICY.
 */
public class BenchProxy {
  public static void main(String[] args) throws Exception {
    ProxyConfig config =
        ProxyConfig.http(
                new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])),
                List.of(Endpoint.parse("b1=" + args[1])))
            .withChooser(EndpointChoosers.named(args[2], endpoint -> 0));
    try (ProxyServer proxy = new ProxyServer(config).start()) {
      System.out.println("brume proxy on " + proxy.address());
      Thread.currentThread().join();
    }
  }
}
