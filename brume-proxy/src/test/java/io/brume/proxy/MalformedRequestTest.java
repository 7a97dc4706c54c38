package io.brume.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed requests get a 4xx/5xx answer and never disturb the proxy. */
class MalformedRequestTest {
  private static Replica replica;
  private static ProxyServer proxy;

  @BeforeAll
  static void start() throws Exception {
    replica = Replica.start("a");
    proxy =
        new ProxyServer(
                ProxyConfig.http(
                    new InetSocketAddress("127.0.0.1", 0), List.of(replica.endpoint())))
            .start();
  }

  @AfterAll
  static void stop() {
    proxy.close();
    replica.close();
  }

  record Case(String name, String request, int status) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    return List.of(
        new Case("garbage", "HELLO\r\n\r\n", 400),
        new Case("bad method", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        new Case("no host", "GET / HTTP/1.1\r\n\r\n", 400),
        new Case("tab in target", "GET \t/ HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        new Case("two hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        new Case("uri too long", "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        new Case(
            "header too long",
            "GET / HTTP/1.1\r\nHost: x\r\nX-A: " + "a".repeat(9000) + "\r\n\r\n",
            431),
        new Case(
            "too many headers",
            "GET / HTTP/1.1\r\nHost: x\r\n" + "X-A: 1\r\n".repeat(200) + "\r\n",
            431),
        new Case("http/2", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        new Case("folded header", "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  2\r\n\r\n", 400),
        new Case("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
        new Case(
            "length and chunked",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
            400),
        new Case(
            "conflicting lengths",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc",
            400),
        new Case(
            "list-valued length",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nabcde",
            400),
        new Case(
            "duplicate equal lengths",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nabcde",
            400),
        new Case(
            "list with an empty element",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5,\r\n\r\nabcde",
            400),
        new Case(
            "negative length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400),
        new Case(
            "gzip transfer coding",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
            501),
        new Case(
            "bad chunk size",
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n",
            400),
        new Case("bare CR", "GET / HTTP/1.1\r\nHost: x\rX-A: 1\r\n\r\n", 400),
        new Case("unknown expectation", "GET / HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n", 417));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void isRejectedWithTheMatchingStatusAndTheProxyKeepsServing(Case malformed) {
    String response = RawHttp.exchange(proxy.address(), malformed.request());

    assertThat(response).startsWith("HTTP/1.1 " + malformed.status() + " ");
    String next =
        RawHttp.exchange(proxy.address(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(next).startsWith("HTTP/1.1 200 ").endsWith("a");
  }

  @Test
  void aListValuedContentLengthNeverReachesTheBackend() throws Exception {
    // Issue 15: "Content-Length: 5, 5" was forwarded as is; the backend reset, the client got a 502
    // and the backend was penalised for the client's request.
    try (Replica backend = Replica.start("b");
        ProxyServer own =
            new ProxyServer(
                    ProxyConfig.http(
                            new InetSocketAddress("127.0.0.1", 0), List.of(backend.endpoint()))
                        .withHealthCheck(HealthCheck.none()))
                .start()) {
      for (String value : List.of("5, 5", "5,5", "5, 6", "5,")) {
        String response =
            RawHttp.exchange(
                own.address(),
                "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + value + "\r\n\r\nabcde");
        assertThat(response).as(value).startsWith("HTTP/1.1 400 ");
      }
      assertThat(backend.requests()).isZero();
    }
  }
}
