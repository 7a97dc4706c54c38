package io.brume.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultyRelayTest {

  private static final byte[] BODY = new byte[100_000];

  static {
    for (int i = 0; i < BODY.length; i++) {
      BODY[i] = (byte) (i * 31);
    }
  }

  private HttpServer server;
  private FaultyRelay relay;
  private HttpClient http;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.sendResponseHeaders(200, BODY.length);
            exchange.getResponseBody().write(BODY);
          }
        });
    server.start();
    relay = FaultyRelay.start(server.getAddress());
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void stop() throws IOException {
    http.close();
    relay.close();
    server.stop(0);
  }

  private byte[] get(String path) throws Exception {
    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(relay.url().resolve(path)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = response.body()) {
      return in.readAllBytes();
    }
  }

  @Test
  void passesTrafficUntouched() throws Exception {
    assertThat(get("/plain")).isEqualTo(BODY);
    assertThat(relay.faultsApplied()).isZero();
  }

  @Test
  void cutsTheMatchingResponseAfterNBodyBytes() throws Exception {
    relay.cutResponseAfter("/blob-a", 12_345);
    assertThat(get("/other")).isEqualTo(BODY);
    assertThatThrownBy(() -> get("/blob-a")).isInstanceOf(IOException.class);
    assertThat(relay.faultsApplied()).isEqualTo(1);
    assertThat(get("/blob-a")).as("fault is one-shot").isEqualTo(BODY);
  }

  @Test
  void corruptsOneBodyByte() throws Exception {
    relay.corruptResponseByte("/blob-b", 777);
    byte[] received = get("/blob-b");
    assertThat(received).hasSize(BODY.length).isNotEqualTo(BODY);
    byte[] expected = Arrays.copyOf(BODY, BODY.length);
    expected[777] = (byte) ~expected[777];
    assertThat(received).isEqualTo(expected);
  }
}
