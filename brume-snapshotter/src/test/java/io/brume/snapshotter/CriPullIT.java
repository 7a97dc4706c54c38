package io.brume.snapshotter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.oci.Digest;
import io.brume.oci.MediaType;
import io.brume.oci.Platform;
import io.brume.testing.Containerd;
import io.brume.testing.ImagePusher;
import io.brume.testing.LocalRegistry;
import io.brume.testing.Prerequisites;
import io.brume.testing.TempDirs;
import io.brume.testing.TestImage;
import io.brume.testing.TestLayer;
import io.brume.testing.TokenServer;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tests act as kubelet: CRI PullImage/RemoveImage on a real containerd 1.6 whose CRI plugin
 * uses {@code brume snapshotter} (its own JVM, so it can be killed) as its snapshotter, for images
 * in a real docker-registry. Needs root (mounts), containerd, runc, umoci, skopeo, busybox-static.
 */
class CriPullIT {
  private static final Path BUSYBOX = Path.of("/bin/busybox");
  private static final String USER = "kubelet";
  private static final String PASSWORD = "pull-secret";

  private static LocalRegistry registry;
  private static TokenServer tokens;
  private static LocalRegistry privateRegistry;
  private static String image;
  private static TestImage pushed;
  private static String derivedImage;
  private static TestImage derivedPushed;
  private static String bigImage;
  private static TestImage bigPushed;
  private static String privateImage;
  private static TestImage privatePushed;

  private Path work;
  private Path snapshotterRoot;
  private Path snapshotterSocket;
  private Path hostsDir;
  private Process snapshotter;
  private Containerd containerd;
  private CriClient cri;

  @BeforeAll
  static void registryWithImages() throws IOException {
    for (Path tool :
        List.of(
            Path.of("/usr/bin/containerd"),
            Path.of("/usr/bin/ctr"),
            Path.of("/usr/bin/runc"),
            Path.of("/usr/bin/umoci"),
            Path.of("/usr/bin/skopeo"),
            BUSYBOX)) {
      Prerequisites.require(
          Files.isExecutable(tool),
          tool + " (Debian packages containerd, runc, umoci," + " skopeo, busybox-static)");
    }
    Prerequisites.requireRoot("containerd mounts snapshots");
    registry = LocalRegistry.start();
    pushed = treeImage();
    try (ImagePusher pusher = ImagePusher.anonymous(registry)) {
      pusher.push("app", "v1", pushed);
      derivedPushed = derivedImage(pushed);
      pusher.push("derived", "v1", derivedPushed);
      bigPushed = bigImage();
      pusher.push("big", "v1", bigPushed);
    }
    image = registry.hostPort() + "/app:v1";
    derivedImage = registry.hostPort() + "/derived:v1";
    bigImage = registry.hostPort() + "/big:v1";
    tokens = TokenServer.start().requireCredentials(USER, PASSWORD);
    privateRegistry = LocalRegistry.withTokenAuth(tokens).startProcess();
    privatePushed = privateImage();
    try (ImagePusher pusher = ImagePusher.withTokens(privateRegistry, tokens)) {
      pusher.push("secret", "v1", privatePushed);
    }
    privateImage = privateRegistry.hostPort() + "/secret:v1";
  }

  @AfterAll
  static void stopRegistries() {
    if (registry != null) {
      registry.close();
    }
    if (privateRegistry != null) {
      privateRegistry.close();
    }
    if (tokens != null) {
      tokens.close();
    }
  }

  /** Three layers with whiteouts, an opaque directory, a lower hard link and implicit parents. */
  private static TestImage treeImage() throws IOException {
    byte[] busybox = Files.readAllBytes(BUSYBOX);
    TestLayer base =
        TestLayer.builder()
            .directory("bin", 0755)
            .file("bin/busybox", busybox, 0755)
            .directory("etc", 0755)
            .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
            .file("etc/motd", "hello from the base layer\n")
            .directory("old", 0755)
            .file("old/file", "old")
            .directory("var", 0755)
            .directory("var/cache", 0755)
            .file("var/cache/a", "a")
            .directory("var/cache/sub", 0700)
            .file("var/cache/sub/b", "b")
            .symlink("etc/localtime", "/usr/share/zoneinfo/UTC")
            .file("swap", "a file first");
    TestLayer middle =
        TestLayer.builder()
            .whiteout("old")
            .directory("var/cache", 0711)
            .opaqueWhiteout("var/cache")
            .file("var/cache/new", "new")
            .hardLink("bin/sh", "bin/busybox")
            .file("etc/motd", "changed by the middle layer\n")
            .whiteout("swap")
            .directory("swap", 0750)
            .file("swap/inside", "now a directory");
    TestLayer top =
        TestLayer.builder()
            .whiteout("etc/motd")
            .file(
                "deep/implicit/parents", "implicit parents".getBytes(StandardCharsets.UTF_8), 0640)
            .file("etc/added", "added on top");
    return TestImage.builder()
        .platform(Platform.host())
        .layer(base, MediaType.Compression.GZIP)
        .layer(middle, MediaType.Compression.GZIP)
        .layer(top, MediaType.Compression.GZIP)
        .build();
  }

  /** The tree image's two lower layers (the same blobs) and a layer of its own. */
  private static TestImage derivedImage(TestImage tree) {
    return TestImage.builder()
        .platform(Platform.host())
        .layer(tree.layers().get(0))
        .layer(tree.layers().get(1))
        .layer(
            TestLayer.builder().file("etc/derived", "only in the derived image"),
            MediaType.Compression.GZIP)
        .build();
  }

  /** Large incompressible layers, so that a kill lands in the middle of the pull. */
  private static TestImage bigImage() throws IOException {
    SplittableRandom random = new SplittableRandom(10);
    TestImage.Builder builder = TestImage.builder().platform(Platform.host());
    for (int layer = 0; layer < 3; layer++) {
      byte[] data = new byte[48 << 20];
      random.nextBytes(data);
      builder.layer(
          TestLayer.builder().file("data" + layer, data, 0644), MediaType.Compression.GZIP);
    }
    return builder.build();
  }

  private static TestImage privateImage() throws IOException {
    return TestImage.builder()
        .platform(Platform.host())
        .layer(
            TestLayer.builder()
                .directory("bin", 0755)
                .file("bin/busybox", Files.readAllBytes(BUSYBOX), 0755),
            MediaType.Compression.GZIP)
        .layer(
            TestLayer.builder().file("etc/secret", "only with credentials"),
            MediaType.Compression.GZIP)
        .build();
  }

  @BeforeEach
  void startNode() throws Exception {
    work = Files.createTempDirectory("brume-snapshotter-cri-");
    snapshotterRoot = work.resolve("brume");
    snapshotterSocket = work.resolve("brume.sock");
    hostsDir = work.resolve("certs.d");
    for (LocalRegistry r : List.of(registry, privateRegistry)) {
      Path dir = Files.createDirectories(hostsDir.resolve(r.hostPort()));
      Files.writeString(
          dir.resolve("hosts.toml"),
          "server = \"http://"
              + r.hostPort()
              + "\"\n\n[host.\"http://"
              + r.hostPort()
              + "\"]\n  capabilities = [\"pull\", \"resolve\"]\n");
    }
    startSnapshotter();
    containerd =
        Containerd.withBrumeSnapshotter(work.resolve("containerd"), snapshotterSocket, hostsDir);
    cri = new CriClient(containerd.socket());
  }

  @AfterEach
  void stopNode() throws Exception {
    try {
      if (cri != null) {
        cri.close();
      }
    } finally {
      try {
        if (containerd != null) {
          containerd.close();
        }
      } finally {
        stopSnapshotter(false);
        Containerd.unmountUnder(work);
        TempDirs.deleteRecursively(work);
      }
    }
  }

  private void startSnapshotter() throws IOException {
    Files.deleteIfExists(snapshotterSocket); // a killed snapshotter leaves its socket file
    String java = ProcessHandle.current().info().command().orElse("java");
    snapshotter =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                SnapshotterProcess.class.getName(),
                snapshotterSocket.toString(),
                snapshotterRoot.toString(),
                hostsDir.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("brume.log").toFile()))
            .start();
    Awaitility.await("brume snapshotter socket")
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.exists(snapshotterSocket) || !snapshotter.isAlive());
    assertThat(snapshotter.isAlive()).as("snapshotter log: %s", log()).isTrue();
  }

  private void stopSnapshotter(boolean kill) throws InterruptedException {
    if (snapshotter == null) {
      return;
    }
    if (kill) {
      snapshotter.destroyForcibly(); // SIGKILL
    } else {
      snapshotter.destroy();
    }
    if (!snapshotter.waitFor(20, TimeUnit.SECONDS)) {
      snapshotter.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    snapshotter = null;
  }

  private String log() throws IOException {
    return Files.readString(work.resolve("brume.log"));
  }

  private List<Digest> layerDigests(TestImage testImage) {
    return testImage.layers().stream().map(l -> l.digest()).toList();
  }

  private String contentStore() throws Exception {
    return containerd.ctr("content", "ls", "-q");
  }

  @Test
  void pullImageGoesThroughBrumeAndTheContainerSeesUmocisTree() throws Exception {
    String ref = cri.pull(image);

    assertThat(ref).isEqualTo(pushed.configDescriptor().digest().toString());
    String content = contentStore();
    assertThat(content)
        .contains(pushed.manifestDigest().toString())
        .contains(pushed.configDescriptor().digest().toString());
    for (Digest layer : layerDigests(pushed)) {
      assertThat(content)
          .as("layer blobs never enter containerd's content store")
          .doesNotContain(layer.toString());
    }
    String snapshots = containerd.ctr("snapshots", "--snapshotter", "brume", "ls");
    assertThat(snapshots.lines().filter(l -> l.contains("Committed"))).hasSize(3);

    String inContainer =
        containerd.ctr(
            "run",
            "--rm",
            "--snapshotter",
            "brume",
            image,
            "brume-tree-" + ProcessHandle.current().pid(),
            "/bin/busybox",
            "sh",
            "-c",
            TREE_LISTING);
    assertThat(tree(inContainer)).isEqualTo(tree(umociTree()));
    assertThat(inContainer)
        .contains("./var/cache/new")
        .doesNotContain("./old")
        .doesNotContain("./var/cache/a");
    assertThat(log()).doesNotContain("containerd applies its layers itself");
    // containerd's connections are Unix-socket channels: no TCP options to reject
    assertThat(log()).doesNotContain("Unknown channel option");
  }

  /** Lists every path of the root file system with type, mode, owner, size and content hash. */
  private static final String TREE_LISTING =
      "cd / && /bin/busybox find . -xdev ! -path './proc*' ! -path './sys*' ! -path './dev*'"
          + " ! -path './run*' ! -path '.' | /bin/busybox sort | while read p; do"
          + " h=-; [ -f \"$p\" ] && [ ! -L \"$p\" ] && h=$(/bin/busybox md5sum < \"$p\");"
          + " echo \"$p $(/bin/busybox stat -c '%F %a %u %g %s' \"$p\") $h\"; done";

  private static List<String> tree(String listing) {
    return listing.lines().filter(l -> l.startsWith("./")).toList();
  }

  private String umociTree() throws Exception {
    Path layout = work.resolve("oci");
    run("skopeo", "copy", "--src-tls-verify=false", "docker://" + image, "oci:" + layout + ":v1");
    Path bundle = work.resolve("umoci-bundle");
    run("umoci", "unpack", "--image", layout + ":v1", bundle.toString());
    return run(
        "chroot", bundle.resolve("rootfs").toString(), "/bin/busybox", "sh", "-c", TREE_LISTING);
  }

  private static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
    return out;
  }

  private long snapshotDirectories() throws IOException {
    try (Stream<Path> dirs = Files.list(snapshotterRoot.resolve("snapshots"))) {
      return dirs.count();
    }
  }

  @Test
  void layersContainerdAlreadyHasAreNotFetchedAgain() throws Exception {
    cri.pull(image);

    String ref = cri.pull(derivedImage);

    assertThat(ref).isEqualTo(derivedPushed.configDescriptor().digest().toString());
    String content = contentStore();
    for (Digest layer : layerDigests(derivedPushed)) {
      assertThat(content).doesNotContain(layer.toString());
    }
    // containerd found the two shared layers as brume's snapshots and asked for the third only;
    // brume fetched that one layer's blob, nothing of the shared base
    assertThat(snapshotDirectories()).isEqualTo(4);
    assertThat(log())
        .contains(
            "layers 3-3 of 3 committed ("
                + derivedPushed.layers().get(2).blob().length
                + " bytes fetched)")
        .doesNotContain("containerd applies its layers itself");
    String out =
        runInContainer(
            derivedImage, "brume-derived", "cat", "/etc/derived", "/etc/passwd", "/var/cache/new");
    assertThat(out).contains("only in the derived image").contains("root:x:0:0").contains("new");
  }

  /** {@code ctr run} of busybox {@code applet args} in {@code reference} on brume's snapshots. */
  private String runInContainer(String reference, String name, String... busybox) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "run",
                "--rm",
                "--snapshotter",
                "brume",
                reference,
                name + "-" + ProcessHandle.current().pid(),
                "/bin/busybox"));
    command.addAll(List.of(busybox));
    return containerd.ctr(command.toArray(String[]::new));
  }

  @Test
  void removeImageAndGcRemoveBrumesSnapshots() throws Exception {
    cri.pull(image);
    assertThat(snapshotDirectories()).isEqualTo(3);

    cri.remove(image);

    Awaitility.await("brume's snapshots removed by containerd's gc")
        .atMost(Duration.ofSeconds(60))
        .until(() -> snapshotDirectories() == 0);
    assertThat(containerd.ctr("snapshots", "--snapshotter", "brume", "ls").lines().count())
        .isLessThanOrEqualTo(1);
  }

  @Test
  void killedMidPullTheNextPullSucceedsAndNothingLeaks() throws Exception {
    Thread pulling =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    cri.pull(bigImage);
                  } catch (StatusRuntimeException expected) {
                    // the snapshotter dies under containerd's feet
                  }
                });
    Path store = snapshotterRoot.resolve("store");
    Awaitility.await("brume pulling the layers")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(2))
        .until(
            () ->
                nonEmpty(store.resolve("ingest"))
                    || nonEmpty(store.resolve("staging"))
                    || nonEmpty(store.resolve("snapshots")));
    stopSnapshotter(true);
    pulling.join(Duration.ofMinutes(2));

    startSnapshotter();
    String ref = pullAsKubeletRetries(bigImage);

    assertThat(ref).isEqualTo(bigPushed.configDescriptor().digest().toString());
    assertThat(snapshotDirectories()).isEqualTo(3);
    assertThat(Files.list(snapshotterRoot.resolve("staging")).count()).isZero();
    // The staging store is emptied once containerd has its answer, on a thread of its own.
    Awaitility.await("the staging store emptied after the pull")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(nonEmpty(snapshotterRoot.resolve("store/ingest"))).isFalse();
              assertThat(nonEmpty(snapshotterRoot.resolve("store/images"))).isFalse();
            });
    String content = contentStore();
    for (Digest layer : layerDigests(bigPushed)) {
      assertThat(content).doesNotContain(layer.toString());
    }
  }

  @Test
  void containerdStartedWhileBrumeIsDownReconnectsOnceItIsUp() throws Exception {
    cri.close();
    containerd.close();
    stopSnapshotter(false);
    containerd =
        Containerd.withBrumeSnapshotter(work.resolve("containerd"), snapshotterSocket, hostsDir);
    cri = new CriClient(containerd.socket());

    startSnapshotter();

    String ref = pullAsKubeletRetries(image);
    assertThat(ref).isEqualTo(pushed.configDescriptor().digest().toString());
    assertThat(snapshotDirectories()).isEqualTo(3);
  }

  /** kubelet retries a failed pull; containerd redials the plugin with at most 3 s of backoff. */
  private String pullAsKubeletRetries(String reference) {
    return Awaitility.await("PullImage " + reference + " once brume is up")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreException(StatusRuntimeException.class)
        .until(() -> cri.pull(reference), r -> r != null);
  }

  private static boolean nonEmpty(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isPresent();
    }
  }

  @Test
  void imageBrumeIsRefusedFallsBackToContainerdsOwnPull() throws Exception {
    String ref = cri.pull(privateImage, USER, PASSWORD);

    assertThat(ref).isEqualTo(privatePushed.configDescriptor().digest().toString());
    String content = contentStore();
    for (Digest layer : layerDigests(privatePushed)) {
      assertThat(content).as("containerd fetched the layers itself").contains(layer.toString());
    }
    assertThat(snapshotDirectories()).isEqualTo(2);
    String out = runInContainer(privateImage, "brume-fallback", "cat", "/etc/secret");
    assertThat(out).contains("only with credentials");
    assertThat(log()).containsOnlyOnce("containerd applies its layers itself");
  }

  @Test
  void withoutCredentialsThePullFailsCleanly() {
    assertThatThrownBy(() -> cri.pull(privateImage)).isInstanceOf(StatusRuntimeException.class);
  }
}
