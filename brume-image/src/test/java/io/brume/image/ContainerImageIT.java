package io.brume.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brume.oci.MediaType.Compression;
import io.brume.oci.Platform;
import io.brume.testing.Commands;
import io.brume.testing.Containerd;
import io.brume.testing.ImagePusher;
import io.brume.testing.LocalRegistry;
import io.brume.testing.TestImage;
import io.brume.testing.TestLayer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Builds brume's container image with {@code deploy/image/build.sh} (the command users run), pushes
 * it to a real {@code docker-registry} on loopback, pulls it with {@code brume pull} and with
 * containerd, and runs it with crun and {@code ctr run}: {@code brume --help}, and the agent with a
 * probe answered from outside the container, within the DaemonSet's memory request.
 *
 * <p>The image build is the expensive part: the Debian base is cached in {@code ~/.cache/brume}
 * (first build ~3 minutes, later ones reuse it), the Jib build takes about a minute.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ContainerImageIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path OUT = Path.of("target", "image-test").toAbsolutePath();
  private static final String VERSION = System.getProperty("brume.version");
  private static final long MAX_COMPRESSED_BYTES = 80L << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.create();

  private static String reference;
  KubernetesMockServer server;
  KubernetesClient client;
  private static String revision;
  private static Path store;
  private static final List<Path> CRUN_ROOTS = new ArrayList<>();

  @BeforeAll
  static void buildAndPush() throws IOException {
    Tools.require(
        true,
        List.of(
            "debootstrap=debootstrap",
            "jq=jq",
            "skopeo=skopeo",
            "crun=crun",
            "containerd=containerd",
            "ctr=containerd",
            "runc=runc",
            "mvn=maven"));
    reference = REGISTRY.hostPort() + "/brume-io/brume:" + VERSION;
    // Bundles and stores of an earlier run are root-owned trees that export refuses to overwrite.
    Commands.run(List.of("rm", "-rf", OUT.toString()), Duration.ofMinutes(2));
    Files.createDirectories(OUT);
    // What build.sh records as org.opencontainers.image.revision ("unknown" outside a git clone).
    Commands.Result head =
        Commands.run(
            List.of("git", "-C", ROOT.toString(), "rev-parse", "HEAD"), Duration.ofSeconds(30));
    revision = head.exitCode() == 0 ? head.output().trim() : "unknown";
    // build.sh builds brume with Maven; run in this checkout it would rewrite the jars this test
    // JVM is loading classes from (brume-testing's among them). So it runs in a copy of the
    // checkout without build output (with .git, so the revision it records is this one).
    Path checkout = OUT.resolve("checkout");
    List<String> copy =
        List.of(
            "sh",
            "-c",
            "mkdir -p \"$2\" && tar -C \"$1\" --exclude=./target --exclude='./*/target' -cf - ."
                + " | tar -C \"$2\" -xf -",
            "copy",
            ROOT.toString(),
            checkout.toString());
    Commands.run(copy, Duration.ofMinutes(5)).requireSuccess(copy);
    List<String> build =
        List.of(
            checkout.resolve("deploy/image/build.sh").toString(),
            "--output",
            OUT.toString(),
            "--push",
            REGISTRY.hostPort() + "/brume-io/brume",
            "--insecure-registry");
    Commands.Result result = Commands.run(build, Duration.ofMinutes(25)).requireSuccess(build);
    System.out.println(Commands.tail(result.output()));
    store = OUT.resolve("store");
    brume("pull", "--quiet", "--plain-http", "--store", store.toString(), reference);
  }

  @AfterAll
  static void removeContainers() {
    for (Path crunRoot : CRUN_ROOTS) {
      try (Stream<Path> ids = Files.list(crunRoot)) {
        for (Path id : ids.toList()) {
          Commands.run(
              List.of("crun", "--root", crunRoot.toString(), "delete", "--force", id.toString()),
              Duration.ofSeconds(30));
        }
      } catch (IOException e) {
        // nothing was started there
      }
    }
  }

  /** Runs the brume CLI built by build.sh, with the JDK running this test. */
  private static Commands.Result brume(String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-jar");
    command.add(ROOT.resolve("brume-cli/target/brume.jar").toString());
    command.addAll(List.of(args));
    return Commands.run(command, Duration.ofMinutes(5)).requireSuccess(command);
  }

  /** The image config's file in the layout build.sh wrote. */
  private static Path imageConfig() throws IOException {
    Path layout = OUT.resolve("oci");
    JsonNode entry = JSON.readTree(layout.resolve("index.json").toFile()).path("manifests").get(0);
    JsonNode manifest = blob(layout, entry.path("digest").asText());
    String config = manifest.path("config").path("digest").asText();
    return layout.resolve("blobs/sha256/" + config.substring("sha256:".length()));
  }

  private static JsonNode blob(Path layout, String digest) throws IOException {
    return JSON.readTree(
        layout.resolve("blobs/sha256/" + digest.substring("sha256:".length())).toFile());
  }

  @Test
  void theImageIsSmallTaggedWithTheVersionAnnotatedAndDescribedByAnSbom() throws IOException {
    Path layout = OUT.resolve("oci");
    JsonNode entry = JSON.readTree(layout.resolve("index.json").toFile()).path("manifests").get(0);
    assertThat(entry.path("annotations").path("org.opencontainers.image.ref.name").asText())
        .isEqualTo(VERSION);
    JsonNode manifest = blob(layout, entry.path("digest").asText());
    long compressed = 0;
    for (JsonNode layer : manifest.path("layers")) {
      compressed += layer.path("size").asLong();
    }
    System.out.printf("image %s: %d bytes compressed%n", reference, compressed);
    assertThat(compressed).as("compressed image size").isLessThanOrEqualTo(MAX_COMPRESSED_BYTES);

    JsonNode annotations = manifest.path("annotations");
    JsonNode config = blob(layout, manifest.path("config").path("digest").asText());
    JsonNode labels = config.path("config").path("Labels");
    for (JsonNode metadata : List.of(annotations, labels)) {
      assertThat(metadata.path("org.opencontainers.image.version").asText()).isEqualTo(VERSION);
      assertThat(metadata.path("org.opencontainers.image.revision").asText()).isEqualTo(revision);
      assertThat(metadata.path("org.opencontainers.image.source").asText()).startsWith("https://");
      assertThat(metadata.path("org.opencontainers.image.licenses").asText()).isNotBlank();
    }
    assertThat(config.path("config").path("User").asText()).isEqualTo("65532:65532");

    Path beside = OUT.resolve("brume-" + VERSION + ".cdx.json");
    JsonNode sbom = JSON.readTree(beside.toFile());
    assertThat(sbom.path("bomFormat").asText()).isEqualTo("CycloneDX");
    List<String> components = new ArrayList<>();
    sbom.path("components").forEach(c -> components.add(c.path("name").asText()));
    assertThat(components).contains("picocli", "kubernetes-client", "brume-cli", "zstd-jni");
    Path bundle = OUT.resolve("bundle-sbom");
    export(bundle);
    assertThat(bundle.resolve("rootfs/usr/share/brume/sbom/brume.cdx.json"))
        .as("the SBOM inside the image")
        .hasSameBinaryContentAs(beside);
  }

  @Test
  void theImageHoldsExactlyTheJarsTheLauncherRuns() throws IOException {
    Path bundle = OUT.resolve("bundle-jars");
    export(bundle);
    List<String> expected = new ArrayList<>(fileNames(ROOT.resolve("brume-cli/target/lib")));
    expected.add("brume.jar"); // brume-cli's own jar, by its finalName

    assertThat(fileNames(bundle.resolve("rootfs/app/libs")))
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  private static List<String> fileNames(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(f -> f.getFileName().toString()).toList();
    }
  }

  /**
   * Every JDK module jdeps finds in the image's jars is in {@code deploy/image/jdk-modules}, or is
   * declared in {@code deploy/image/jdk-modules.optional} together with the classes whose guarded
   * references are the only ones to it: a reference from any other class fails the test.
   */
  @Test
  void theModuleListCoversWhatJdepsFinds() {
    String output = jdeps("--print-module-deps");
    List<String> needed =
        List.of(
            output.lines().filter(l -> l.startsWith("java.")).findFirst().orElseThrow().split(","));
    List<String> modules = new ArrayList<>();
    for (String line : configLines("deploy/image/jdk-modules")) {
      modules.addAll(List.of(line.split(",")));
    }
    Map<String, List<String>> optional = new LinkedHashMap<>();
    for (String line : configLines("deploy/image/jdk-modules.optional")) {
      List<String> words = List.of(line.split("\\s+"));
      optional
          .computeIfAbsent(words.getFirst(), m -> new ArrayList<>())
          .addAll(words.subList(1, words.size()));
    }
    List<String> missing = needed.stream().filter(m -> !modules.contains(m)).toList();
    assertThat(optional.keySet())
        .as("modules jdeps finds that deploy/image/jdk-modules lacks")
        .containsAll(missing);
    if (missing.isEmpty()) {
      return;
    }
    // "  a.B$C -> javax.naming.NamingException   java.naming": who references each left-out module.
    List<String> unexpected = new ArrayList<>();
    for (String line : jdeps("-verbose:class").lines().toList()) {
      String[] words = line.trim().split("\\s+");
      if (words.length < 4 || !words[1].equals("->") || !missing.contains(words[3])) {
        continue;
      }
      String source = words[0];
      boolean declared =
          optional.get(words[3]).stream()
              .anyMatch(c -> source.equals(c) || source.startsWith(c + "$"));
      if (!declared) {
        unexpected.add(line.trim());
      }
    }
    assertThat(unexpected)
        .as(
            "references to modules the image leaves out, from classes jdk-modules.optional does not name")
        .isEmpty();
  }

  /** jdeps over brume.jar and its runtime jars, with {@code option}. */
  private static String jdeps(String option) {
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    Path target = ROOT.resolve("brume-cli/target");
    List<String> command =
        new ArrayList<>(
            List.of(
                java.resolveSibling("jdeps").toString(),
                "--ignore-missing-deps",
                option,
                "--multi-release",
                "25",
                withoutModuleDescriptor(target.resolve("brume.jar")).toString()));
    try (Stream<Path> jars = Files.list(target.resolve("lib"))) {
      jars.sorted()
          .map(ContainerImageIT::withoutModuleDescriptor)
          .map(Path::toString)
          .forEach(command::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Commands.run(command, Duration.ofMinutes(5)).requireSuccess(command).output();
  }

  /**
   * {@code jar} itself for a third-party jar; for one of brume's (they carry module-info.class), a
   * copy without it: the image runs them on the class path, and jdeps would otherwise resolve their
   * {@code requires} as modules and stop at the first automatic one it cannot find.
   */
  private static Path withoutModuleDescriptor(Path jar) {
    if (!jar.getFileName().toString().startsWith("brume")) {
      return jar;
    }
    Path copy = OUT.resolve("jdeps").resolve(jar.getFileName());
    try {
      Files.createDirectories(copy.getParent());
      Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> strip = List.of("zip", "-q", "-d", copy.toString(), "module-info.class");
    Commands.Result result = Commands.run(strip, Duration.ofMinutes(1));
    // zip exits 12 when there was nothing to delete
    if (result.exitCode() != 0 && result.exitCode() != 12) {
      result.requireSuccess(strip);
    }
    return copy;
  }

  /** The non-empty lines of a repository file, without '#' comments. */
  private static List<String> configLines(String file) {
    try {
      return Files.readString(ROOT.resolve(file))
          .lines()
          .map(l -> l.replaceAll("#.*", "").trim())
          .filter(l -> !l.isEmpty())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void export(Path bundle) {
    brume("export", "--store", store.toString(), reference, "--bundle", bundle.toString());
  }

  /** An exported bundle whose process runs the image's entrypoint with {@code args}. */
  private static ObjectNode bundleRunning(Path bundle, String... args) throws IOException {
    export(bundle);
    ObjectNode config = (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
    ArrayNode processArgs = (ArrayNode) config.path("process").path("args");
    for (String arg : args) {
      processArgs.add(arg);
    }
    return config;
  }

  private static void write(Path bundle, ObjectNode config) throws IOException {
    JSON.writeValue(bundle.resolve("config.json").toFile(), config);
  }

  /**
   * crun's command line. Where cgroups are mounted in hybrid mode (v1 controllers plus a v2
   * "unified" tree, as on this CI's VM), crun 1.8 refuses to start; it then runs in a private mount
   * namespace without the v2 mount (as BundleWriterTest does).
   */
  private static List<String> crun(Path crunRoot, String... args) {
    List<String> crun = new ArrayList<>(List.of("crun", "--root", crunRoot.toString()));
    crun.addAll(List.of(args));
    if (!Files.exists(Path.of("/sys/fs/cgroup/unified/cgroup.controllers"))) {
      return crun;
    }
    StringBuilder script = new StringBuilder("umount /sys/fs/cgroup/unified && exec");
    for (String part : crun) {
      script.append(" '").append(part).append('\'');
    }
    return List.of("unshare", "-m", "--propagation", "private", "sh", "-c", script.toString());
  }

  private static Path crunRoot() throws IOException {
    Path crunRoot = Files.createTempDirectory(OUT, "crun-");
    CRUN_ROOTS.add(crunRoot);
    return crunRoot;
  }

  @Test
  void crunRunsBrumeHelpFromTheImagePulledByBrume() throws IOException {
    Path bundle = OUT.resolve("bundle-help");
    write(bundle, bundleRunning(bundle, "--help"));
    String id = "brume-image-help-" + UUID.randomUUID().toString().substring(0, 8);

    List<String> command = crun(crunRoot(), "run", "--bundle", bundle.toString(), id);
    Commands.Result result = Commands.run(command, Duration.ofMinutes(2)).requireSuccess(command);

    assertThat(result.output()).contains("Usage: brume").contains("agent").contains("pull");
  }

  @Test
  void theAgentRunsInTheContainerAnswersFromOutsideAndStaysWithinItsMemoryRequest()
      throws Exception {
    Container agent = daemonSetContainer();
    Path bundle = OUT.resolve("bundle-agent");
    ObjectNode config = bundleRunning(bundle, "agent", "--config", "/etc/brume/agent.json");
    Path agentConfig = OUT.resolve("agent.json");
    Files.writeString(
        agentConfig,
        """
        {"node": "image-test", "listen": "127.0.0.1:0", "http": "127.0.0.1:0", "peers": []}
        """);
    // As in the DaemonSet: the node's network namespace, a read-only root, /tmp an emptyDir, and
    // the DaemonSet's JVM settings.
    hostNetwork(config);
    ((ObjectNode) config.path("root")).put("readonly", true);
    ArrayNode mounts = (ArrayNode) config.path("mounts");
    ObjectNode configMount = mounts.addObject();
    configMount.put("destination", "/etc/brume/agent.json").put("type", "bind");
    configMount.put("source", agentConfig.toString());
    configMount.putArray("options").add("bind").add("ro");
    writableTmp(config);
    ArrayNode env = (ArrayNode) config.path("process").path("env");
    for (EnvVar variable : agent.getEnv()) {
      if (variable.getValue() != null) {
        env.add(variable.getName() + "=" + variable.getValue());
      }
    }
    write(bundle, config);

    try (RunningContainer container = RunningContainer.start(bundle, "agent");
        HttpClient http = HttpClient.newHttpClient()) {
      Matcher address = container.awaitLine(Pattern.compile("HTTP on http://([0-9.]+):(\\d+)"));
      URI base = URI.create("http://" + address.group(1) + ":" + address.group(2));
      HttpResponse<String> healthz =
          http.send(
              HttpRequest.newBuilder(base.resolve("/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(healthz.statusCode()).isEqualTo(200);
      assertThat(healthz.body()).isEqualTo("ok\n");
      HttpResponse<String> coordinate =
          http.send(
              HttpRequest.newBuilder(base.resolve("/v1/coordinate")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(coordinate.statusCode()).isEqualTo(200);

      long rss = rssBytes(container.crunRoot, container.id);
      long request =
          Quantity.getAmountInBytes(agent.getResources().getRequests().get("memory")).longValue();
      System.out.printf(
          "agent in the container: RSS %.1f MiB (DaemonSet memory request %d MiB)%n",
          rss / 1048576.0, request >> 20);
      assertThat(rss)
          .as("agent RSS within the DaemonSet's memory request")
          .isLessThanOrEqualTo(request);

      container.stopWithSigterm();
    }
  }

  /**
   * The DaemonSet grants NET_ADMIN and NET_RAW: the image's iptables (nf_tables, Debian's default
   * alternative) works with NET_ADMIN alone, iptables-legacy also needs NET_RAW, and without
   * NET_ADMIN neither works. Runs as root in a network namespace of its own, as the agent would.
   */
  @Test
  void theImagesIptablesNeedsNetAdminAndItsLegacyBackendAlsoNetRaw() throws IOException {
    Path bundle = OUT.resolve("bundle-iptables");
    export(bundle);
    ObjectNode exported = (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
    List<String> admin = List.of("CAP_NET_ADMIN");

    assertThat(iptables(bundle, exported, "iptables", admin).exitCode()).isZero();
    Commands.Result legacyWithoutRaw = iptables(bundle, exported, "iptables-legacy", admin);
    assertThat(legacyWithoutRaw.exitCode()).isNotZero();
    assertThat(legacyWithoutRaw.output()).contains("Permission denied");
    assertThat(
            iptables(bundle, exported, "iptables-legacy", List.of("CAP_NET_ADMIN", "CAP_NET_RAW"))
                .exitCode())
        .isZero();
    assertThat(iptables(bundle, exported, "iptables", List.of("CAP_NET_RAW")).exitCode())
        .isNotZero();
  }

  private static Commands.Result iptables(
      Path bundle, ObjectNode exported, String binary, List<String> capabilities)
      throws IOException {
    ObjectNode config = exported.deepCopy();
    ObjectNode process = (ObjectNode) config.path("process");
    process.putArray("args").add("/usr/sbin/" + binary).add("-t").add("nat").add("-S");
    process.putObject("user").put("uid", 0).put("gid", 0);
    ObjectNode sets = process.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted")) {
      ArrayNode granted = sets.putArray(set);
      capabilities.forEach(granted::add);
    }
    write(bundle, config);
    String id = "brume-image-iptables-" + UUID.randomUUID().toString().substring(0, 8);
    return Commands.run(
        crun(crunRoot(), "run", "--bundle", bundle.toString(), id), Duration.ofMinutes(2));
  }

  /**
   * The scheduler extender as its Deployment runs it: the image's non-root user, no capabilities, a
   * read-only root, reading Nodes from an API server (fabric8's mock, the one part mocked);
   * kubelet's probe target {@code /healthz} answers from outside the container.
   */
  @Test
  void theSchedulerExtenderRunsAsNonRootWithoutCapabilitiesAndAnswersItsProbe() throws Exception {
    client
        .nodes()
        .resource(new NodeBuilder().withNewMetadata().withName("edge-1").endMetadata().build())
        .create();
    Path bundle = OUT.resolve("bundle-extender");
    ObjectNode config = bundleRunning(bundle, "scheduler-extender", "--listen", "127.0.0.1:0");
    hostNetwork(config); // to reach the mock API server on loopback
    ((ObjectNode) config.path("root")).put("readonly", true);
    ObjectNode process = (ObjectNode) config.path("process");
    assertThat(process.path("user").path("uid").asInt()).as("the image's user").isEqualTo(65532);
    ObjectNode none = process.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted", "ambient")) {
      none.putArray(set);
    }
    ArrayNode env = (ArrayNode) process.path("env");
    env.add("KUBERNETES_MASTER=" + server.url("/"));
    env.add("KUBERNETES_AUTH_TRYKUBECONFIG=false");
    env.add("KUBERNETES_AUTH_TRYSERVICEACCOUNT=false");
    write(bundle, config);

    try (RunningContainer container = RunningContainer.start(bundle, "extender");
        HttpClient http = HttpClient.newHttpClient()) {
      Matcher line =
          container.awaitLine(
              Pattern.compile("listening on [^/ ]*/([0-9.]+):(\\d+) \\((\\d+) nodes known"));
      assertThat(line.group(3)).isEqualTo("1");
      URI healthz = URI.create("http://" + line.group(1) + ":" + line.group(2) + "/healthz");
      HttpResponse<String> response =
          http.send(HttpRequest.newBuilder(healthz).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("ok\n");

      container.stopWithSigterm();
    }
  }

  /** A tmpfs on /tmp, as the DaemonSet's emptyDir: the only writable place on a read-only root. */
  private static void writableTmp(ObjectNode config) {
    ObjectNode tmp = ((ArrayNode) config.path("mounts")).addObject();
    tmp.put("destination", "/tmp").put("type", "tmpfs").put("source", "tmpfs");
    tmp.putArray("options").add("nosuid").add("nodev").add("size=16m");
  }

  /**
   * build.sh strips sqlite-jdbc's and zstd-jni's native libraries down to Linux x86_64/aarch64: the
   * snapshotter still opens its SQLite metadata (sqlite-jdbc's native) and serves on a Unix socket
   * (Netty's epoll native) in the container, on a read-only root with a tmpfs /tmp.
   */
  @Test
  void theSnapshotterLoadsSqliteAndEpollNativesInTheContainer() throws Exception {
    Path bundle = OUT.resolve("bundle-snapshotter");
    ObjectNode config =
        bundleRunning(
            bundle,
            "snapshotter",
            "--socket",
            "/tmp/brume-snapshotter.sock",
            "--root",
            "/tmp/snapshots");
    ((ObjectNode) config.path("root")).put("readonly", true);
    writableTmp(config);
    write(bundle, config);

    try (RunningContainer container = RunningContainer.start(bundle, "snapshotter")) {
      container.awaitLine(Pattern.compile("brume snapshotter serving /tmp/brume-snapshotter.sock"));
      container.stopWithSigterm();
    }
  }

  /**
   * ... and {@code brume pull} in the container decodes a zstd layer with zstd-jni's native (the
   * image has no zstd binary), from the loopback registry.
   */
  @Test
  void brumePullInTheContainerDecodesAZstdLayer() throws IOException {
    TestImage image =
        TestImage.builder()
            .platform(Platform.host())
            .layer(
                TestLayer.builder().file("etc/zstd-check", "decoded by zstd-jni\n"),
                Compression.ZSTD)
            .build();
    try (ImagePusher pusher = ImagePusher.anonymous(REGISTRY)) {
      pusher.push("brume-image-zstd", "v1", image);
    }
    Path bundle = OUT.resolve("bundle-zstd");
    ObjectNode config =
        bundleRunning(
            bundle,
            "pull",
            "--plain-http",
            "--store",
            "/tmp/store",
            REGISTRY.hostPort() + "/brume-image-zstd:v1");
    hostNetwork(config); // the registry listens on loopback
    ((ObjectNode) config.path("root")).put("readonly", true);
    writableTmp(config);
    write(bundle, config);
    String id = "brume-image-zstd-" + UUID.randomUUID().toString().substring(0, 8);

    List<String> command = crun(crunRoot(), "run", "--bundle", bundle.toString(), id);
    Commands.Result result = Commands.run(command, Duration.ofMinutes(2)).requireSuccess(command);

    assertThat(result.output()).contains(image.manifestDigest().toString());
  }

  /** Runs the container in the host's network namespace, as hostNetwork pods do. */
  private static void hostNetwork(ObjectNode config) {
    ArrayNode namespaces = (ArrayNode) config.path("linux").path("namespaces");
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      if (namespaces.get(i).path("type").asText().equals("network")) {
        namespaces.remove(i);
      }
    }
  }

  /** A bundle crun runs in the background; its output goes to {@code OUT/<name>.log}. */
  private static final class RunningContainer implements AutoCloseable {
    final Path crunRoot;
    final String id;
    final Path log;
    final Process process;

    private RunningContainer(Path crunRoot, String id, Path log, Process process) {
      this.crunRoot = crunRoot;
      this.id = id;
      this.log = log;
      this.process = process;
    }

    static RunningContainer start(Path bundle, String name) throws IOException {
      Path crunRoot = crunRoot();
      String id = "brume-image-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
      Path log = OUT.resolve(name + ".log");
      Process process =
          new ProcessBuilder(crun(crunRoot, "run", "--bundle", bundle.toString(), id))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      return new RunningContainer(crunRoot, id, log, process);
    }

    /** Waits for a line of output matching {@code pattern}; fails if the container exits. */
    Matcher awaitLine(Pattern pattern) {
      Matcher[] found = new Matcher[1];
      await("a line matching " + pattern + " in " + log)
          .atMost(Duration.ofMinutes(2))
          .until(
              () -> {
                assertThat(process.isAlive()).as("container %s alive", id).isTrue();
                found[0] = pattern.matcher(Files.readString(log));
                return found[0].find();
              });
      return found[0];
    }

    /** What kubelet does to stop a pod: SIGTERM, and the process must end. */
    void stopWithSigterm() {
      Commands.run(
          List.of("crun", "--root", crunRoot.toString(), "kill", id, "TERM"),
          Duration.ofSeconds(30));
      await(id + " stops on SIGTERM")
          .atMost(Duration.ofSeconds(30))
          .until(() -> !process.isAlive());
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  private static long rssBytes(Path crunRoot, String id) throws IOException {
    List<String> state = List.of("crun", "--root", crunRoot.toString(), "state", id);
    long pid =
        JSON.readTree(Commands.run(state, Duration.ofSeconds(30)).requireSuccess(state).output())
            .path("pid")
            .asLong();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }

  private static Container daemonSetContainer() throws IOException {
    DaemonSet daemonSet =
        new KubernetesSerialization()
            .unmarshal(
                Files.readString(ROOT.resolve("deploy/base/daemonset.yaml")), DaemonSet.class);
    return daemonSet.getSpec().getTemplate().getSpec().getContainers().getFirst();
  }

  @Test
  void containerdPullsTheImageAndRunsIt() throws IOException {
    // Unix socket paths are limited to 108 bytes: keep the daemon's directory short.
    Path directory = Files.createTempDirectory(Path.of("/tmp"), "brume-ctd-");
    try (Containerd containerd = Containerd.start(directory, "brume-image-test")) {
      containerd.ctr("images", "pull", "--plain-http", reference);
      String id = "brume-image-" + UUID.randomUUID().toString().substring(0, 8);

      // ctr run replaces the image's entrypoint with the arguments it is given (a kubelet would
      // append them), so it gets the entrypoint spelled out.
      List<String> run = new ArrayList<>(List.of("run", "--rm", reference, id));
      JSON.readTree(imageConfig().toFile())
          .path("config")
          .path("Entrypoint")
          .forEach(part -> run.add(part.asText()));
      run.add("--help");
      String output = containerd.ctr(run.toArray(String[]::new));

      assertThat(output).contains("Usage: brume");

      // The archive beside the layout imports under the name the manifests use (kind, k3s).
      containerd.ctr("images", "import", OUT.resolve("brume-" + VERSION + ".oci.tar").toString());
      assertThat(containerd.ctr("images", "ls", "-q").lines())
          .contains(System.getProperty("brume.image.name") + ":" + VERSION);
    } finally {
      Commands.run(List.of("rm", "-rf", directory.toString()), Duration.ofMinutes(2));
    }
  }
}
