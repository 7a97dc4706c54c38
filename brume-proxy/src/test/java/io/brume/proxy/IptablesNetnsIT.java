package io.brume.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.testing.Commands;
import io.brume.testing.Prerequisites;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kernel data plane for real: a client namespace whose OUTPUT chain DNATs a virtual IP to three
 * replica namespaces (one veth pair each), replicas being {@link NameServer} JVMs; {@link
 * SplitClient} counts where connections land. Everything lives in namespaces this test creates,
 * with addresses from 10.213.0.0/16 that exist only inside them; all are deleted afterwards.
 */
class IptablesNetnsIT {
  private static final String VIP = "10.213.100.1";
  private static final int REPLICAS = 3;

  private final String prefix =
      "brpx" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 4);
  private final String clientNs = prefix + "-c";
  private final List<String> namespaces = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private IptablesDataPlane dataPlane;

  @BeforeEach
  void requireRoot() {
    Prerequisites.requireTools("ip", "iptables"); // Debian packages iproute2, iptables
    Prerequisites.requireRoot("network namespaces");
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (dataPlane != null) {
        dataPlane.close();
        assertThat(dataPlane.save()).doesNotContain("BRUME-");
      }
    } finally {
      for (Process process : processes) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      for (String namespace : namespaces) {
        run("ip", "netns", "del", namespace);
      }
    }
    assertThat(run("ip", "netns", "list")).doesNotContain(prefix);
  }

  @Test
  void connectionsToTheVirtualIpSplitAsTheWeightsSay() throws Exception {
    List<Endpoint> replicas = buildTopology();
    dataPlane = new IptablesDataPlane(List.of("ip", "netns", "exec", clientNs));
    double[] weights = {1, 2, 5};

    assertThat(dataPlane.apply(service(replicas, weights))).isTrue();
    String firstRules = dataPlane.save();
    assertThat(dataPlane.apply(service(replicas, weights))).as("same weights: no-op").isFalse();
    assertThat(dataPlane.save()).isEqualTo(firstRules);

    int connections = 2400;
    Map<String, Integer> counts = connect(connections);
    double chiSquare = 0;
    for (int i = 0; i < REPLICAS; i++) {
      double expected = connections * weights[i] / 8;
      double observed = counts.getOrDefault("r" + i, 0);
      chiSquare += (observed - expected) * (observed - expected) / expected;
    }
    // 2 degrees of freedom: P(chi2 > 18.42) = 1e-4, so a correct split fails 1 run in 10 000,
    // while a uniform split (chi2 ~ 900 here) or swapped weights cannot pass.
    assertThat(chiSquare).as("chi-square of %s against 1:2:5", counts).isLessThan(18.42);

    assertThat(dataPlane.apply(service(replicas, new double[] {0, 1, 1}))).isTrue();
    Map<String, Integer> after = connect(400);
    assertThat(after).doesNotContainKey("r0");
    assertThat(after.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(400);
  }

  private List<KernelService> service(List<Endpoint> replicas, double[] weights) {
    List<KernelService.WeightedEndpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < replicas.size(); i++) {
      endpoints.add(new KernelService.WeightedEndpoint(replicas.get(i), weights[i]));
    }
    return List.of(new KernelService("test/names", VIP, 80, endpoints));
  }

  private List<Endpoint> buildTopology() throws Exception {
    addNamespace(clientNs);
    run("ip", "netns", "exec", clientNs, "ip", "link", "set", "lo", "up");
    List<Endpoint> replicas = new ArrayList<>();
    for (int i = 0; i < REPLICAS; i++) {
      String replicaNs = prefix + "-r" + i;
      addNamespace(replicaNs);
      String clientSide = prefix + "c" + i;
      String replicaSide = prefix + "r" + i;
      run(
          "ip",
          "link",
          "add",
          clientSide,
          "netns",
          clientNs,
          "type",
          "veth",
          "peer",
          "name",
          replicaSide,
          "netns",
          replicaNs);
      run("ip", "-n", clientNs, "addr", "add", "10.213." + i + ".1/24", "dev", clientSide);
      run("ip", "-n", clientNs, "link", "set", clientSide, "up");
      run("ip", "-n", replicaNs, "addr", "add", "10.213." + i + ".2/24", "dev", replicaSide);
      run("ip", "-n", replicaNs, "link", "set", replicaSide, "up");
      run("ip", "-n", replicaNs, "link", "set", "lo", "up");
      run("ip", "-n", replicaNs, "route", "add", "default", "via", "10.213." + i + ".1");
      startJava(replicaNs, NameServer.class, "10.213." + i + ".2", "8080", "r" + i);
      replicas.add(new Endpoint("r" + i, "10.213." + i + ".2", 8080));
    }
    // The client routes the virtual IP somewhere so connect() reaches the nat OUTPUT hook; DNAT
    // then re-routes the packet to the chosen replica's veth.
    run("ip", "-n", clientNs, "route", "add", VIP + "/32", "dev", prefix + "c0");
    return replicas;
  }

  private void addNamespace(String namespace) throws IOException {
    run("ip", "netns", "add", namespace);
    namespaces.add(namespace);
  }

  private Map<String, Integer> connect(int connections) throws Exception {
    Process client =
        startJava(clientNs, SplitClient.class, VIP, "80", Integer.toString(connections));
    String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(client.exitValue())
        .as(
            "client output %s, errors %s",
            output, new String(client.getErrorStream().readAllBytes()))
        .isZero();
    Map<String, Integer> counts = new HashMap<>();
    output
        .lines()
        .map(line -> line.split(" "))
        .forEach(f -> counts.put(f[0], Integer.parseInt(f[1])));
    return counts;
  }

  /** Starts a test class's main in a namespace; for servers, waits for their "ready" line. */
  private Process startJava(String namespace, Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    processes.add(process);
    if (main == NameServer.class) {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).as("replica in %s started", namespace).isEqualTo("ready");
    }
    return process;
  }

  private static String run(String... command) {
    return Commands.check(command);
  }
}
