package io.brume.emulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brume.oci.ImageReference;
import io.brume.oci.MediaType.Compression;
import io.brume.oci.Platform;
import io.brume.pull.BundleExporter;
import io.brume.pull.ImagePuller;
import io.brume.registry.RegistryClient;
import io.brume.store.ContentStore;
import io.brume.testing.ImagePusher;
import io.brume.testing.LocalRegistry;
import io.brume.testing.Prerequisites;
import io.brume.testing.TestImage;
import io.brume.testing.TestLayer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real parts: a demo image (static busybox from Debian's busybox-static, a page in /www) pushed to
 * Debian's docker-registry, pulled and exported by brume's engine, run by Debian's crun as root.
 * Each test checks that closing leaves no container, process, cgroup, mount or state behind.
 */
class ContainerReplicaIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.create();

  private static final String PAGE = "<h1>brume demo</h1>\n";
  private static final Path CGROUPS = Path.of("/sys/fs/cgroup");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;
  private static Path bundle;
  private static Crun crun;

  @TempDir Path stateParent;

  @BeforeAll
  static void pullAndExportTheDemoImage() throws Exception {
    Prerequisites.requireRoot("crun runs the replica's container");
    Prerequisites.requireTools("crun", "busybox", "unshare"); // crun, busybox-static, util-linux
    ReplicaRuntime runtime = ReplicaRuntime.detect();
    assertThat(runtime.containers()).as(runtime.description()).isTrue();
    crun = runtime.crun().orElseThrow();

    TestImage demo =
        TestImage.builder()
            .layer(
                TestLayer.builder()
                    .directory("bin", 0755)
                    .file("bin/busybox", Files.readAllBytes(Path.of("/bin/busybox")), 0755)
                    .directory("www", 0755)
                    .file("www/index.html", PAGE),
                Compression.GZIP)
            .cmd("/bin/busybox", "httpd", "-f", "-h", "/www")
            .build();
    try (ImagePusher pusher = ImagePusher.anonymous(REGISTRY)) {
      pusher.push("brume/demo", "v1", demo);
    }
    ImageReference reference = ImageReference.parse(REGISTRY.hostPort() + "/brume/demo:v1");
    try (ContentStore store = ContentStore.open(work.resolve("store"));
        RegistryClient registry =
            RegistryClient.builder(REGISTRY.hostPort()).plainHttp(true).build()) {
      ImagePuller.builder(store, registry).build().pull(reference, Platform.of("linux", "amd64"));
      bundle = work.resolve("bundle");
      new BundleExporter(store).export(reference.toString(), bundle);
    }
  }

  @Test
  void theReplicaServesThePageFromTheContainerAndClosingLeavesNothing() throws Exception {
    String exportedConfig = Files.readString(bundle.resolve("config.json"));
    String id;
    long pid;
    Path state;
    try (ContainerReplica container =
            ContainerReplica.start(crun, bundle, "eu west", 0, stateParent);
        DemoReplica replica =
            new DemoReplica("demo@eu-west", "eu-west", Duration.ofMillis(5), 2, container);
        HttpClient http = HttpClient.newHttpClient()) {
      id = container.id();
      state = container.stateDirectory();
      pid = container.pid();
      assertThat(id).startsWith("brume-up-eu-west-");
      assertThat(list(state)).contains(id);
      assertThat(Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\0"))
          .containsExactly(
              "/bin/busybox", "httpd", "-f", "-p", "127.0.0.1:" + container.port(), "-h", "/www");

      HttpResponse<String> response = get(http, replica, "/demo?from=ap-south");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(PAGE);
      assertThat(response.headers().firstValue("Content-Type")).contains("text/html");
      assertThat(replica.received()).isEqualTo(1);
      assertThat(replica.runtime()).isEqualTo("container " + id);
    }

    // crun delete has killed it; its parent (the host's init, after crun's double fork) may not
    // have reaped it yet, and a zombie runs nothing.
    await("httpd (pid " + pid + ") killed")
        .atMost(Duration.ofSeconds(10))
        .until(() -> isGoneOrZombie(pid));
    assertThat(state).doesNotExist();
    assertNothingLeftOf(id);
    assertThat(Files.readString(bundle.resolve("config.json")))
        .as("the exported bundle is not modified")
        .isEqualTo(exportedConfig);
  }

  @Test
  void theContainerOfAKilledRunIsDeletedByTheNextRun() throws Exception {
    // A run killed by SIGKILL never closes its replicas: model it by leaving this one open and
    // recording an owner that has ended, as a killed JVM is.
    ContainerReplica container = ContainerReplica.start(crun, bundle, "killed", 0, stateParent);
    String id = container.id();
    long pid = container.pid();
    Path state = container.stateDirectory();
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    Files.writeString(state.resolve(RunDirectories.OWNER_FILE), ended.pid() + " 1\n");

    assertThat(RunDirectories.removeOrphans(stateParent, Optional.of(crun)))
        .containsExactly("removed " + state + " and its container " + id);

    await("httpd (pid " + pid + ") killed")
        .atMost(Duration.ofSeconds(10))
        .until(() -> isGoneOrZombie(pid));
    assertThat(state).doesNotExist();
    assertNothingLeftOf(id);
  }

  @Test
  void whenTheContainerDiesTheReplicaAnswers502NamingIt() throws Exception {
    String id;
    try (ContainerReplica container = ContainerReplica.start(crun, bundle, "dies", 0, stateParent);
        DemoReplica replica =
            new DemoReplica("demo@dies", "dies", Duration.ofMillis(5), 2, container);
        HttpClient http = HttpClient.newHttpClient()) {
      id = container.id();
      Crun.Result killed =
          crun.run(
              container.stateDirectory().resolve("crun"),
              Duration.ofSeconds(30),
              "kill",
              container.id(),
              "KILL");
      assertThat(killed.succeeded()).as(killed.output()).isTrue();

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                HttpResponse<String> response = get(http, replica, "/demo?from=x");
                assertThat(response.statusCode()).isEqualTo(502);
                assertThat(response.body())
                    .startsWith("demo@dies: container " + container.id() + " did not answer");
              });
    }
    try (Stream<Path> left = Files.list(stateParent)) {
      assertThat(left).isEmpty();
    }
    assertNothingLeftOf(id);
  }

  @Test
  void aPortAlreadyTakenFailsTheStartWithHttpdsErrorAndLeavesNothing() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(
              () ->
                  ContainerReplica.start(
                      crun, bundle, "port-taken", taken.getLocalPort(), stateParent))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("container brume-up-port-taken-")
          .hasMessageContaining("stopped before serving on port " + taken.getLocalPort())
          .hasMessageContaining("Address already in use");
    }
    try (Stream<Path> left = Files.list(stateParent)) {
      assertThat(left).isEmpty();
    }
    assertNothingLeftOf("brume-up-port-taken-");
  }

  @Test
  void aBundleCrunRefusesFailsTheStartWithCrunsErrorAndLeavesNothing() throws Exception {
    Path broken = Files.createDirectory(work.resolve("broken-bundle"));
    Files.createSymbolicLink(broken.resolve("rootfs"), bundle.resolve("rootfs"));
    ObjectNode config = (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
    ((ObjectNode) config.path("mounts").get(0)).put("type", "brume-no-such-filesystem"); // /proc
    JSON.writeValue(broken.resolve("config.json").toFile(), config);

    assertThatThrownBy(() -> ContainerReplica.start(crun, broken, "refused", 0, stateParent))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("crun could not start container brume-up-refused-")
        .hasMessageContaining("mount `proc` to `proc`: No such device"); // crun's own words
    try (Stream<Path> left = Files.list(stateParent)) {
      assertThat(left).isEmpty();
    }
    assertNothingLeftOf("brume-up-refused-");
  }

  private static HttpResponse<String> get(HttpClient http, DemoReplica replica, String path)
      throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + replica.address().getPort() + path);
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String list(Path state) throws IOException {
    Crun.Result result = crun.run(state.resolve("crun"), Duration.ofSeconds(30), "list");
    assertThat(result.succeeded()).as(result.output()).isTrue();
    return result.output();
  }

  /** No cgroup directory, mount or process mentions a container id starting with {@code id}. */
  private static void assertNothingLeftOf(String id) throws IOException {
    // v1: /sys/fs/cgroup/<controller>/<id>; v2: /sys/fs/cgroup/<id>
    try (Stream<Path> groups = Files.walk(CGROUPS, 2)) {
      assertThat(groups.map(group -> group.getFileName().toString()))
          .as("cgroups")
          .noneMatch(name -> name.startsWith(id));
    }
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(id);
    List<String> processes;
    try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
      processes =
          proc.filter(p -> p.getFileName().toString().matches("\\d+"))
              .map(p -> commandLine(p))
              .filter(line -> line.contains(id))
              .toList();
    }
    assertThat(processes).isEmpty();
  }

  private static boolean isGoneOrZombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException gone) {
      return true;
    }
  }

  private static String commandLine(Path process) {
    try {
      return Files.readString(process.resolve("cmdline")).replace('\0', ' ');
    } catch (IOException | java.io.UncheckedIOException gone) {
      return ""; // exited meanwhile
    }
  }
}
