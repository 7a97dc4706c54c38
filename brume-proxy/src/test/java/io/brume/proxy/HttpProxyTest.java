package io.brume.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpProxyTest {
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable resource : resources.reversed()) {
      resource.close();
    }
    http.close();
  }

  private Replica replica(String name) {
    Replica replica = Replica.start(name);
    resources.add(replica);
    return replica;
  }

  private ProxyServer proxy(List<Endpoint> endpoints) throws IOException {
    ProxyServer proxy =
        new ProxyServer(ProxyConfig.http(new InetSocketAddress("127.0.0.1", 0), endpoints)).start();
    resources.add(proxy);
    return proxy;
  }

  private HttpResponse<String> get(ProxyServer proxy, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + proxy.address().getPort() + path);
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void spreadsRequestsOverReplicasOnePerRequest() throws Exception {
    Replica a = replica("a");
    Replica b = replica("b");
    ProxyServer proxy = proxy(List.of(a.endpoint(), b.endpoint()));

    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> response = get(proxy, "/");
      assertThat(response.statusCode()).isEqualTo(200);
      bodies.add(response.body());
    }

    assertThat(bodies).containsOnly("a", "b");
    assertThat(a.requests()).isEqualTo(5);
    assertThat(b.requests()).isEqualTo(5);
  }

  @Test
  void servesSeveralRequestsOnOneClientConnection() throws Exception {
    Replica a = replica("a");
    ProxyServer proxy = proxy(List.of(a.endpoint()));

    String responses =
        RawHttp.exchange(
            proxy.address(),
            "GET / HTTP/1.1\r\nHost: svc\r\n\r\n"
                + "GET /echo HTTP/1.1\r\nHost: svc\r\n\r\n"
                + "GET /chunked HTTP/1.1\r\nHost: svc\r\nConnection: close\r\n\r\n");

    assertThat(responses.split("HTTP/1.1 200 ", -1)).hasSize(4);
    assertThat(responses).contains("\r\n\r\na").contains("GET ");
    assertThat(responses).containsIgnoringCase("transfer-encoding: chunked").endsWith("0\r\n\r\n");
  }

  @Test
  void aChunkedResponseIsFollowedByMoreRequestsOnTheSameConnection() throws Exception {
    Replica a = replica("a");
    ProxyServer proxy = proxy(List.of(a.endpoint()));

    String responses =
        RawHttp.exchange(
            proxy.address(),
            "GET /chunked HTTP/1.1\r\nHost: svc\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: svc\r\n\r\n"
                + "GET /echo HTTP/1.1\r\nHost: svc\r\nConnection: close\r\n\r\n");

    assertThat(responses.split("HTTP/1.1 200 ", -1)).hasSize(4);
    assertThat(responses).contains("\r\n1\r\na\r\n1\r\na\r\n1\r\na\r\n0\r\n\r\n");
    assertThat(responses).endsWith("GET ");
  }

  @Test
  void aLargeResponseWaitsForAClientThatReadsLateAndTheConnectionStaysUsable() throws Exception {
    Replica a = replica("a");
    ProxyServer proxy = proxy(List.of(a.endpoint()));

    String responses;
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", proxy.address().getPort())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET /big HTTP/1.1\r\nHost: svc\r\n\r\n"
                      + "GET / HTTP/1.1\r\nHost: svc\r\nConnection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      Thread.sleep(300); // the proxy meanwhile finds the client's socket buffer full
      responses =
          new String(
              socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    assertThat(responses).startsWith("HTTP/1.1 200 ");
    assertThat(responses.split("HTTP/1.1 200 ", -1)).hasSize(3);
    assertThat(responses)
        .contains("\r\n\r\n" + "x".repeat(Replica.BIG_BODY_BYTES) + "HTTP/1.1 200 ");
    assertThat(responses).endsWith("\r\n\r\na");
  }

  @Test
  void manyClientsAtOnceEachGetTheirOwnResponsesInOrder() throws Exception {
    // The event loop writes after dispatching a whole batch of ready sockets: with 64 clients
    // sending at once, each still gets exactly its own answers, in the order it asked.
    Replica a = replica("a");
    ProxyServer proxy = proxy(List.of(a.endpoint()));
    int clients = 64;
    int requestsEach = 10;

    List<java.util.concurrent.Future<String>> answers = new ArrayList<>();
    try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < clients; c++) {
        StringBuilder requests = new StringBuilder();
        for (int r = 0; r < requestsEach; r++) {
          String body = "client-" + c + "-request-" + r;
          requests.append("POST /echo HTTP/1.1\r\nHost: svc\r\nContent-Length: ");
          requests.append(body.length());
          requests.append(r == requestsEach - 1 ? "\r\nConnection: close" : "");
          requests.append("\r\n\r\n").append(body);
        }
        answers.add(threads.submit(() -> RawHttp.exchange(proxy.address(), requests.toString())));
      }
    }

    for (int c = 0; c < clients; c++) {
      String responses = answers.get(c).get();
      assertThat(responses.split("HTTP/1.1 200 ", -1)).hasSize(requestsEach + 1);
      int from = 0;
      for (int r = 0; r < requestsEach; r++) {
        int at = responses.indexOf("\r\n\r\nPOST client-" + c + "-request-" + r, from);
        assertThat(at).as("client %d, answer %d", c, r).isGreaterThan(from);
        from = at;
      }
      assertThat(responses).doesNotContainPattern("client-(?!" + c + "-)");
    }
  }

  @Test
  void relaysRequestBodiesWithContentLengthAndChunked() throws Exception {
    Replica a = replica("a");
    ProxyServer proxy = proxy(List.of(a.endpoint()));

    String withLength =
        RawHttp.exchange(
            proxy.address(),
            "POST /echo HTTP/1.1\r\nHost: svc\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
    String chunked =
        RawHttp.exchange(
            proxy.address(),
            "PUT /echo HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\n\r\n");
    byte[] big = new byte[200_000]; // larger than the retry buffer: streamed
    java.util.Arrays.fill(big, (byte) 'x');
    HttpResponse<String> streamed =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxy.address().getPort() + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(withLength).startsWith("HTTP/1.1 200 ").endsWith("POST hello");
    assertThat(chunked).startsWith("HTTP/1.1 200 ").endsWith("PUT abcdefg");
    assertThat(streamed.body()).hasSize(5 + big.length).startsWith("POST xxx");
  }

  @Test
  void headResponseHasNoBodyAndConnectionStaysUsable() throws Exception {
    Replica a = replica("a");
    ProxyServer proxy = proxy(List.of(a.endpoint()));

    String responses =
        RawHttp.exchange(
            proxy.address(),
            "HEAD / HTTP/1.1\r\nHost: svc\r\n\r\nGET / HTTP/1.1\r\nHost: svc\r\nConnection: close\r\n\r\n");

    assertThat(responses).startsWith("HTTP/1.1 200 ").containsIgnoringCase("content-length: 1");
    assertThat(responses.split("HTTP/1.1 200 ", -1)).hasSize(3);
    assertThat(responses).endsWith("\r\n\r\na");
  }

  @Test
  void keepsHostAndDropsHopByHopHeaders() throws Exception {
    Replica a = replica("a");
    ProxyServer proxy = proxy(List.of(a.endpoint()));

    String response =
        RawHttp.exchange(
            proxy.address(),
            "GET /headers HTTP/1.1\r\nHost: service.example\r\nConnection: close, X-Hop\r\n"
                + "X-Hop: secret\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\n"
                + "X-End-To-End: kept\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 200 ").contains("Connection: close");
    assertThat(a.lastHeaders())
        .containsEntry("host", "service.example")
        .containsEntry("x-end-to-end", "kept")
        .containsEntry("x-forwarded-for", "127.0.0.1")
        .doesNotContainKeys("x-hop", "keep-alive", "proxy-connection");
  }

  @Test
  void http10ClientGetsAChunkedBodyDechunked() throws Exception {
    Replica a = replica("a");
    ProxyServer proxy = proxy(List.of(a.endpoint()));

    String response = RawHttp.exchange(proxy.address(), "GET /chunked HTTP/1.0\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\naaa");
    assertThat(response).doesNotContainIgnoringCase("transfer-encoding");
  }

  @Test
  void answers503WithoutEndpointsAnd502WhenTheOnlyEndpointIsDown() throws Exception {
    Replica dead = replica("dead");
    Endpoint deadEndpoint = dead.endpoint();
    dead.kill();
    ProxyServer empty = proxy(List.of());
    ProxyServer down = proxy(List.of(deadEndpoint));

    assertThat(get(empty, "/").statusCode()).isEqualTo(503);
    assertThat(get(down, "/").statusCode()).isEqualTo(502);
  }

  @Test
  void retriesIdempotentRequestsOnAnotherReplicaButNotPost() throws Exception {
    Replica live = replica("live");
    Replica dead = replica("dead");
    Endpoint deadEndpoint = dead.endpoint();
    dead.kill();
    ProxyServer proxy = proxy(List.of(deadEndpoint, live.endpoint()));

    for (int i = 0; i < 6; i++) {
      HttpResponse<String> response = get(proxy, "/");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("live");
    }
    // Round robin sends every other POST to the dead endpoint while it is still ready.
    ProxyServer postProxy =
        new ProxyServer(
                ProxyConfig.http(
                        new InetSocketAddress("127.0.0.1", 0),
                        List.of(deadEndpoint, live.endpoint()))
                    .withHealthCheck(HealthCheck.none())
                    .withEjectAfterFailures(100))
            .start();
    resources.add(postProxy);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.add(
          http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + postProxy.address().getPort() + "/echo"))
                      .POST(HttpRequest.BodyPublishers.ofString("x"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode());
    }
    assertThat(statuses).containsExactlyInAnyOrder(200, 200, 502, 502);
  }

  @Test
  void removedEndpointDrainsItsRequestsInFlight() throws Exception {
    Replica a = replica("a");
    Replica b = replica("b");
    ProxyServer proxy = proxy(List.of(a.endpoint()));
    Thread slowRequest =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    assertThat(get(proxy, "/slow").body()).isEqualTo("a");
                  } catch (Exception e) {
                    throw new AssertionError(e);
                  }
                });
    org.awaitility.Awaitility.await().until(() -> a.requests() == 1);

    proxy.updateEndpoints(List.of(b.endpoint()));

    assertThat(proxy.endpointStatuses())
        .containsEntry(a.endpoint(), EndpointStatus.DRAINING)
        .containsEntry(b.endpoint(), EndpointStatus.READY);
    assertThat(get(proxy, "/").body()).isEqualTo("b");
    a.releaseSlow();
    slowRequest.join();
    // The response reaches the client just before the proxy books the request as finished.
    org.awaitility.Awaitility.await()
        .until(() -> proxy.endpointStatuses().keySet().equals(java.util.Set.of(b.endpoint())));
  }
}
