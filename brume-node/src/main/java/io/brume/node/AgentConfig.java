package io.brume.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brume.coordinate.VivaldiConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The agent's configuration, read from a JSON file:
 *
 * <pre>
 * {
 *   "node": "edge-1",                       // this node's name (1..64 UTF-8 bytes)
 *   "listen": "0.0.0.0:7946",               // UDP address for probes
 *   "http": "127.0.0.1:7947",               // HTTP API address (port 0 = any free port)
 *   "peers": [{"name": "edge-2", "address": "10.0.0.2:7946"}],
 *   "probe_interval_ms": 1000,              // one probe per interval (Serf/memberlist LAN: 1 s)
 *   "probe_timeout_ms": 500,                // a probe without answer by then is lost (memberlist: 500 ms)
 *   "max_pongs_per_second": 100,            // answers to pings are rate-limited too
 *   "vivaldi": "robust",                    // "robust" (brume) or "serf" (Serf's defaults)
 *   "seed": 1,                              // optional: seed of the probe schedule
 *   "probe_key_dir": "/etc/brume/probe-key" // optional: cluster keys that authenticate probes
 * }
 * </pre>
 *
 * Unknown fields are rejected, so a typo never goes unnoticed.
 *
 * @param node this node's name
 * @param listen UDP probe address
 * @param http HTTP API address
 * @param peers the static peer list
 * @param probeInterval time between two probes
 * @param probeTimeout time after which an unanswered probe counts as lost
 * @param maxPongsPerSecond rate limit of answers to pings
 * @param vivaldi coordinate configuration
 * @param seed seed of the probe schedule and of Vivaldi's random source
 * @param probeKeyDir directory with the cluster keys that authenticate probes ({@code current},
 *     optional {@code previous}; see {@link ProbeKeyring}), or null: unauthenticated probes, for a
 *     trusted network only
 */
public record AgentConfig(
    String node,
    InetSocketAddress listen,
    InetSocketAddress http,
    List<Peer> peers,
    Duration probeInterval,
    Duration probeTimeout,
    int maxPongsPerSecond,
    VivaldiConfig vivaldi,
    long seed,
    Path probeKeyDir) {

  /** A peer: its name and UDP probe address. */
  public record Peer(String name, InetSocketAddress address) {
    public Peer {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(address, "address");
    }
  }

  /** One probe per interval unless the file says otherwise (Serf/memberlist LAN: 1 s). */
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(1);

  /** A probe without answer by then is lost unless the file says otherwise (memberlist: 500 ms). */
  public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofMillis(500);

  /** The rate limit of answers to pings unless the file says otherwise. */
  public static final int DEFAULT_MAX_PONGS_PER_SECOND = 100;

  private static final Set<String> FIELDS =
      Set.of(
          "node",
          "listen",
          "http",
          "peers",
          "probe_interval_ms",
          "probe_timeout_ms",
          "max_pongs_per_second",
          "vivaldi",
          "seed",
          "probe_key_dir");

  /** Validates; messages name the field. */
  public AgentConfig {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(vivaldi, "vivaldi");
    peers = List.copyOf(peers);
    int bytes = node.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes == 0 || bytes > ProbeMessage.MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          "node: name must be 1.." + ProbeMessage.MAX_NAME_BYTES + " bytes");
    }
    Set<String> names = new HashSet<>();
    for (Peer p : peers) {
      if (p.name().equals(node)) {
        throw new IllegalArgumentException("peers: " + node + " is this node itself");
      }
      if (!names.add(p.name())) {
        throw new IllegalArgumentException("peers: " + p.name() + " is listed twice");
      }
    }
    if (probeInterval.toMillis() < 1) {
      throw new IllegalArgumentException("probe_interval_ms must be >= 1");
    }
    if (probeTimeout.toMillis() < 1 || probeTimeout.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException("probe_timeout_ms must be in [1, 10000]");
    }
    if (maxPongsPerSecond < 1) {
      throw new IllegalArgumentException("max_pongs_per_second must be >= 1");
    }
  }

  /** A configuration without probe keys (unauthenticated probes). */
  public AgentConfig(
      String node,
      InetSocketAddress listen,
      InetSocketAddress http,
      List<Peer> peers,
      Duration probeInterval,
      Duration probeTimeout,
      int maxPongsPerSecond,
      VivaldiConfig vivaldi,
      long seed) {
    this(
        node,
        listen,
        http,
        peers,
        probeInterval,
        probeTimeout,
        maxPongsPerSecond,
        vivaldi,
        seed,
        null);
  }

  /**
   * A configuration with every optional field at its default, as a file with only {@code node},
   * {@code listen}, {@code http} and {@code peers} gives: robust Vivaldi, seeded by the node's
   * name, unauthenticated probes.
   */
  public static AgentConfig withDefaults(
      String node, InetSocketAddress listen, InetSocketAddress http, List<Peer> peers) {
    return new AgentConfig(
        node,
        listen,
        http,
        peers,
        DEFAULT_PROBE_INTERVAL,
        DEFAULT_PROBE_TIMEOUT,
        DEFAULT_MAX_PONGS_PER_SECOND,
        VivaldiConfig.robust(),
        node.hashCode());
  }

  /** The same configuration with probes authenticated by the keys in {@code dir}. */
  public AgentConfig withProbeKeyDir(Path dir) {
    return new AgentConfig(
        node,
        listen,
        http,
        peers,
        probeInterval,
        probeTimeout,
        maxPongsPerSecond,
        vivaldi,
        seed,
        dir);
  }

  /**
   * This configuration with probes authenticated by the keys in {@code dir} if it holds a {@code
   * current} key (an optional, mounted Secret), else unchanged.
   */
  public AgentConfig withProbeKeysIfPresent(Path dir) {
    return ProbeKeyring.present(dir) ? withProbeKeyDir(dir) : this;
  }

  /** Reads and validates a configuration file. */
  public static AgentConfig load(Path file) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    try {
      return parse(root);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Parses a configuration from JSON. */
  public static AgentConfig parse(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the configuration must be a JSON object");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new IllegalArgumentException("unknown field \"" + f + "\"");
      }
    }
    String node = text(root, "node", null);
    InetSocketAddress listen = address(text(root, "listen", null), "listen");
    InetSocketAddress http = address(text(root, "http", "127.0.0.1:0"), "http");
    List<Peer> peers = new ArrayList<>();
    JsonNode ps = root.get("peers");
    if (ps != null) {
      if (!ps.isArray()) {
        throw new IllegalArgumentException("peers must be an array");
      }
      for (JsonNode p : ps) {
        String name = text(p, "name", null);
        peers.add(new Peer(name, address(text(p, "address", null), "peers[" + name + "].address")));
      }
    }
    String algorithm = text(root, "vivaldi", "robust");
    VivaldiConfig vivaldi =
        switch (algorithm) {
          case "robust" -> VivaldiConfig.robust();
          case "serf" -> VivaldiConfig.defaults();
          default ->
              throw new IllegalArgumentException(
                  "vivaldi must be \"robust\" or \"serf\", got \"" + algorithm + "\"");
        };
    return new AgentConfig(
        node,
        listen,
        http,
        peers,
        Duration.ofMillis(number(root, "probe_interval_ms", DEFAULT_PROBE_INTERVAL.toMillis())),
        Duration.ofMillis(number(root, "probe_timeout_ms", DEFAULT_PROBE_TIMEOUT.toMillis())),
        (int) number(root, "max_pongs_per_second", DEFAULT_MAX_PONGS_PER_SECOND),
        vivaldi,
        number(root, "seed", node.hashCode()),
        root.hasNonNull("probe_key_dir") ? Path.of(text(root, "probe_key_dir", null)) : null);
  }

  private static String text(JsonNode n, String field, String fallback) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (fallback == null) {
        throw new IllegalArgumentException("missing field \"" + field + "\"");
      }
      return fallback;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return v.asText();
  }

  private static long number(JsonNode n, String field, long fallback) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isIntegralNumber()) {
      throw new IllegalArgumentException(field + " must be an integer");
    }
    return v.asLong();
  }

  /** Parses "host:port" (IPv6 as "[::1]:port"). */
  static InetSocketAddress address(String s, String field) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException(field + " must be host:port, got \"" + s + "\"");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + " has a bad port: \"" + s + "\"");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(field + " port out of range: " + port);
    }
    return new InetSocketAddress(host, port);
  }
}
