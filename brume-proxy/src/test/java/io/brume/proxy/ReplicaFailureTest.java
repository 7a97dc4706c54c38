package io.brume.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Issue 5, "Faults": a replica killed under load. */
class ReplicaFailureTest {

  @Test
  void killedReplicaIsEjectedWithinOneSecondWithoutLosingRequestsAndComesBack() throws Exception {
    Replica a = Replica.start("a");
    Replica b = Replica.start("b");
    Replica c = Replica.start("c");
    Replica restarted = null;
    ProxyConfig config =
        ProxyConfig.http(
                new InetSocketAddress("127.0.0.1", 0),
                List.of(a.endpoint(), b.endpoint(), c.endpoint()))
            .withChooser(EndpointChoosers.leastOutstanding())
            .withHealthCheck(HealthCheck.http("/").withInterval(Duration.ofMillis(100)));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger completed = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    List<Thread> clients = new ArrayList<>();
    try (ProxyServer proxy = new ProxyServer(config).start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      URI uri = URI.create("http://127.0.0.1:" + proxy.address().getPort() + "/");
      for (int i = 0; i < 8; i++) {
        clients.add(Thread.ofVirtual().start(() -> load(http, uri, running, completed, failures)));
      }
      await().until(() -> completed.get() > 300);

      b.kill();
      long killed = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(1))
          .pollInterval(Duration.ofMillis(10))
          .until(() -> proxy.endpointStatuses().get(b.endpoint()) == EndpointStatus.EJECTED);
      long ejectedAfterMillis = (System.nanoTime() - killed) / 1_000_000;
      int atEjection = completed.get();
      await().until(() -> completed.get() > atEjection + 300);

      restarted = b.restart();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> proxy.endpointStatuses().get(b.endpoint()) == EndpointStatus.READY);
      Replica back = restarted;
      await().atMost(Duration.ofSeconds(5)).until(() -> back.requests() > 10);
      running.set(false);
      for (Thread client : clients) {
        client.join();
      }

      assertThat(failures).as("requests lost (ejected after %d ms)", ejectedAfterMillis).isEmpty();
      assertThat(completed.get()).isGreaterThan(600);
    } finally {
      running.set(false);
      a.close();
      c.close();
      if (restarted != null) {
        restarted.close();
      }
    }
  }

  private static void load(
      HttpClient http,
      URI uri,
      AtomicBoolean running,
      AtomicInteger completed,
      ConcurrentLinkedQueue<String> failures) {
    while (running.get()) {
      try {
        HttpResponse<String> response =
            http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          failures.add(response.statusCode() + " " + response.body());
        }
      } catch (Exception e) {
        failures.add(e.toString());
      }
      completed.incrementAndGet();
    }
  }
}
