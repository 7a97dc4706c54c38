package io.brume.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpProxyTest {
  private static final String REQUEST = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

  @Test
  void forwardsEachConnectionToOneReplicaAndSkipsUnreachableOnes() throws Exception {
    try (Replica a = Replica.start("a");
        Replica b = Replica.start("b")) {
      Replica dead = Replica.start("dead");
      Endpoint deadEndpoint = dead.endpoint();
      dead.kill();
      ProxyConfig config =
          ProxyConfig.tcp(
                  new InetSocketAddress("127.0.0.1", 0),
                  List.of(a.endpoint(), deadEndpoint, b.endpoint()))
              .withHealthCheck(HealthCheck.none())
              .withEjectAfterFailures(1000);
      try (ProxyServer proxy = new ProxyServer(config).start()) {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          String response = RawHttp.exchange(proxy.address(), REQUEST);
          assertThat(response).startsWith("HTTP/1.1 200 ");
          bodies.add(response.substring(response.length() - 1));
        }

        assertThat(bodies).containsOnly("a", "b");
        assertThat(a.requests() + b.requests()).isEqualTo(6);
        assertThat(a.requests()).isBetween(2, 4);
      }
    }
  }

  @Test
  void tcpHealthCheckEjectsAReplicaThatStoppedListening() throws Exception {
    try (Replica a = Replica.start("a")) {
      Replica b = Replica.start("b");
      ProxyConfig config =
          ProxyConfig.tcp(
                  new InetSocketAddress("127.0.0.1", 0), List.of(a.endpoint(), b.endpoint()))
              .withHealthCheck(HealthCheck.tcp().withInterval(java.time.Duration.ofMillis(50)));
      try (ProxyServer proxy = new ProxyServer(config).start()) {
        b.kill();
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(1))
            .until(() -> proxy.endpointStatuses().get(b.endpoint()) == EndpointStatus.EJECTED);
        assertThat(proxy.endpointStatuses().get(a.endpoint())).isEqualTo(EndpointStatus.READY);
      }
    }
  }
}
