package io.brume.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brume.coordinate.Coordinate;
import io.brume.coordinate.VivaldiConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 items 2 and 3 against real agents on loopback: a configured peer that lies in its pongs,
 * a stranger that speaks for a peer from another address, forged, replayed and keyed probes.
 */
class LyingPeerAgentTest {
  private static final String KEY = "bXktY2x1c3Rlci1rZXktZm9yLWJydW1lLXRlc3Rz";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private static AgentConfig config(String name, int port, List<AgentConfig.Peer> peers) {
    return AgentTest.config(name, peers, port);
  }

  private static AgentConfig.Peer peer(String name, int port) {
    return new AgentConfig.Peer(name, new InetSocketAddress("127.0.0.1", port));
  }

  private DatagramChannel channel(String host) throws IOException {
    DatagramChannel c = DatagramChannel.open().bind(new InetSocketAddress(host, 0));
    closing.add(c);
    return c;
  }

  private static int port(DatagramChannel c) throws IOException {
    return ((InetSocketAddress) c.getLocalAddress()).getPort();
  }

  private Agent start(AgentConfig config) {
    Agent agent = Agent.create(config).start();
    closing.add(agent);
    return agent;
  }

  private Path keyDir(String name, String current) throws IOException {
    Path d = Files.createDirectories(dir.resolve(name));
    Files.writeString(d.resolve("current"), current);
    return d;
  }

  private static double metric(Agent agent, String name) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? (\\S+)$")
            .matcher(agent.scrapeMetrics());
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private String get(Agent agent, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + agent.httpAddress().getPort() + path);
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static double norm(Coordinate c) {
    double s = 0;
    for (double v : c.vector()) {
      s += v * v;
    }
    return Math.sqrt(s);
  }

  /**
   * A fake peer "liar" on {@code channel}: answers every ping with a pong carrying {@code lie} (a
   * function of the pinger's coordinate), sealed when {@code seal} is not null.
   */
  private void liar(DatagramChannel channel, Function<Coordinate, Coordinate> lie, ProbeSeal seal) {
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  ByteBuffer buf = ByteBuffer.allocate(2048);
                  while (channel.isOpen()) {
                    try {
                      buf.clear();
                      var from = channel.receive(buf);
                      ProbeMessage ping =
                          seal == null
                              ? ProbeMessage.decode(buf.array(), 0, buf.position())
                              : seal.open(buf.array(), buf.position());
                      ProbeMessage pong =
                          new ProbeMessage(
                              ProbeMessage.Type.PONG,
                              ping.sequence(),
                              "liar",
                              lie.apply(ping.coordinate()));
                      channel.send(
                          ByteBuffer.wrap(seal == null ? pong.encode() : seal.seal(pong)), from);
                    } catch (Exception e) {
                      // closed, or a datagram the fake peer does not understand
                    }
                  }
                });
    closing.add(t::interrupt);
  }

  private static Coordinate far(double x) {
    double[] v = new double[VivaldiConfig.robust().dimensions()];
    v[0] = x;
    return new Coordinate(v, 0.01, 0.0, 0.001);
  }

  private void assertApisFinite(Agent agent) throws Exception {
    for (String path :
        List.of("/v1/coordinate", "/v1/coordinates", "/v1/rtt?node=liar", "/v1/rtt?node=c")) {
      String body = get(agent, path);
      assertThat(body).as(path).doesNotContain("Infinity").doesNotContain("NaN");
      JSON.readTree(body); // valid JSON
    }
    assertThat(agent.scrapeMetrics()).doesNotContain("Inf").doesNotContain("NaN");
  }

  /** The two attacks: [1e6, 0, …] then 1e150, answered to a that also probes honest c. */
  @Test
  void aLyingPeer_movesNeitherItsVictimNorTheVictimsPeers() throws Exception {
    DatagramChannel liarChannel = channel("127.0.0.1");
    int portA = port(channel("127.0.0.1"));
    int portC = port(channel("127.0.0.1"));
    closing.forEach(c -> {});
    // free the two reserved ports for the agents
    closing.get(1).close();
    closing.get(2).close();
    double[] lie = {1.0e6};
    liar(liarChannel, victim -> far(lie[0]), null);
    Agent a = start(config("a", portA, List.of(peer("liar", port(liarChannel)), peer("c", portC))));
    Agent c = start(config("c", portC, List.of(peer("a", portA))));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> metric(a, "brume_vivaldi_coordinates_implausible_total") >= 17);
    lie[0] = 1.0e150;
    double before = metric(a, "brume_vivaldi_coordinates_implausible_total");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> metric(a, "brume_vivaldi_coordinates_implausible_total") >= before + 46);
    // Within the hard bounds, but 60 s away on loopback.
    lie[0] = 6.0e4;
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> metric(a, "brume_vivaldi_peers_distrusted") == 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> a.peerCoordinates().containsKey("c"));

    assertThat(norm(a.coordinate())).isLessThan(100);
    assertThat(norm(c.coordinate())).isLessThan(100);
    assertThat(metric(a, "brume_vivaldi_resets")).isZero();
    assertThat(metric(c, "brume_vivaldi_resets")).isZero();
    // Impossible values count as contradictions: the liar was distrusted after 3 of them, so the
    // plausible-looking lie that followed was not even judged.
    assertThat(metric(a, "brume_vivaldi_samples_distrusted_total")).isPositive();
    assertThat(a.peerCoordinates()).doesNotContainKey("liar");
    JsonNode rtt = JSON.readTree(get(a, "/v1/rtt?node=c"));
    assertThat(rtt.get("estimated_rtt_ms").asDouble()).isBetween(0.0, 100.0);
    assertApisFinite(a);
    assertApisFinite(c);
  }

  @Test
  void aStrangerSpeakingForAPeerFromAnotherAddress_isDroppedAndCounted() throws Exception {
    DatagramChannel b = channel("127.0.0.1");
    DatagramChannel stranger = channel("127.0.0.2");
    int portA = port(channel("127.0.0.1"));
    closing.remove(closing.size() - 1).close();
    Agent a = start(config("a", portA, List.of(peer("b", port(b)))));
    Coordinate[] forged = {
      far(1.0e308), new Coordinate(new double[16], -1.0e300, 0, -1.0e6), far(5),
    };
    long seq = 1;
    for (Coordinate f : forged) {
      byte[] ping = new ProbeMessage(ProbeMessage.Type.PING, seq++, "b", f).encode();
      stranger.send(ByteBuffer.wrap(ping), a.probeAddress());
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metric(a, "brume_probe_packets_spoofed_total") == 3);
    assertThat(a.peerCoordinates()).doesNotContainKey("b");
    stranger.configureBlocking(false);
    assertThat(stranger.receive(ByteBuffer.allocate(2048))).as("no pong to the stranger").isNull();
    // The same impossible values from b's own address are refused too (but answered).
    for (Coordinate f : forged) {
      byte[] ping = new ProbeMessage(ProbeMessage.Type.PING, seq++, "b", f).encode();
      b.send(ByteBuffer.wrap(ping), a.probeAddress());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> a.peerCoordinates().containsKey("b"));
    assertThat(a.peerCoordinates().get("b")).isEqualTo(far(5));
    assertApisFinite(a);
  }

  @Test
  void withAClusterKey_onlyAuthenticFreshProbesCount_andRotationKeepsPeersTalking()
      throws Exception {
    int portA = port(channel("127.0.0.1"));
    int portB = port(channel("127.0.0.1"));
    closing.remove(closing.size() - 1).close();
    closing.remove(closing.size() - 1).close();
    Path keysA = keyDir("a", "new-key-0123456789abcdef");
    Files.writeString(keysA.resolve("previous"), KEY); // a is mid-rotation: sends with the new key
    Path keysB = keyDir("b", KEY); // b has not seen the new key as current yet... but accepts it:
    Files.writeString(keysB.resolve("previous"), "new-key-0123456789abcdef");
    Agent a = start(config("a", portA, List.of(peer("b", portB))).withProbeKeyDir(keysA));
    Agent b = start(config("b", portB, List.of(peer("a", portA))).withProbeKeyDir(keysB));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                metric(a, "brume_probes_answered_total") >= 5
                    && metric(b, "brume_probes_answered_total") >= 5);
    assertThat(metric(a, "brume_probe_authenticated")).isEqualTo(1);

    DatagramChannel attacker = channel("127.0.0.1");
    // Unauthenticated (the plain format) and wrongly keyed pings from b's IP.
    attacker.send(
        ByteBuffer.wrap(new ProbeMessage(ProbeMessage.Type.PING, 1, "b", far(1)).encode()),
        a.probeAddress());
    Path wrong = keyDir("wrong", "some-other-key-0123456789");
    ProbeSeal wrongSeal =
        new ProbeSeal(
            ProbeKeyring.load(wrong, InstantSource.system(), Duration.ofSeconds(10)),
            InstantSource.system(),
            Agent.REPLAY_WINDOW);
    attacker.send(
        ByteBuffer.wrap(wrongSeal.seal(new ProbeMessage(ProbeMessage.Type.PING, 2, "b", far(1)))),
        a.probeAddress());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metric(a, "brume_probe_packets_unauthenticated_total") >= 2);
    // A recorded authentic ping, replayed.
    ProbeSeal bSeal =
        new ProbeSeal(
            ProbeKeyring.load(keysB, InstantSource.system(), Duration.ofSeconds(10)),
            InstantSource.system(),
            Agent.REPLAY_WINDOW);
    byte[] recorded = bSeal.seal(new ProbeMessage(ProbeMessage.Type.PING, 99, "b", far(2)));
    attacker.send(ByteBuffer.wrap(recorded), a.probeAddress());
    attacker.send(ByteBuffer.wrap(recorded), a.probeAddress());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metric(a, "brume_probe_packets_replayed_total") >= 1);
  }

  @Test
  void withoutAKey_theAgentSaysSoInItsMetrics() throws Exception {
    int portA = port(channel("127.0.0.1"));
    closing.remove(closing.size() - 1).close();
    Agent a = start(config("a", portA, List.of()));
    assertThat(metric(a, "brume_probe_authenticated")).isZero();
  }
}
