package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brume.oci.Digest;
import io.brume.oci.MediaType.Compression;
import io.brume.oci.Platform;
import io.brume.testing.LayerBlob;
import io.brume.testing.Prerequisites;
import io.brume.testing.TestImage;
import io.brume.testing.TestLayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small run of the peer-to-peer testbed (bench/p2p/run.sh): 4 nodes in 2 sites, each in its own
 * network namespace behind shaped links, deploying a small image at once without peers and with
 * nearest-peer sharing. Checks what the benchmark claims, not its speed: without peers every node
 * takes a copy from the registry, with peers about one copy per site crosses the registry's link.
 */
class P2pBenchIT {
  private static final List<String> TOOLS =
      List.of("ip", "tc", "docker-registry", "skopeo", "curl", "jq", "containerd", "ctr");

  @TempDir Path dir;

  private static void requireTestbed() {
    Prerequisites.requireTools(TOOLS.toArray(String[]::new));
    Prerequisites.requireRoot("network namespaces, tc");
  }

  /** An OCI image layout with one image, tagged {@code small}. */
  private static Path layout(Path root) throws IOException {
    byte[] noise = new byte[3_000_000];
    new SplittableRandom(11).nextBytes(noise);
    LayerBlob data = TestLayer.builder().file("data.bin", noise, 0644).build(Compression.GZIP);
    TestImage image =
        TestImage.builder()
            .platform(Platform.host())
            .layer(TestLayer.builder().file("etc/motd", "p2p\n"), Compression.GZIP)
            .layer(data)
            .build();
    Path blobs = Files.createDirectories(root.resolve("blobs/sha256"));
    for (byte[] blob :
        List.of(
            image.manifestBytes(),
            image.configBytes(),
            data.blob(),
            image.layers().get(0).blob())) {
      Files.write(blobs.resolve(Digest.sha256(blob).encoded()), blob);
    }
    Files.writeString(root.resolve("oci-layout"), "{\"imageLayoutVersion\": \"1.0.0\"}");
    Files.writeString(
        root.resolve("index.json"),
        """
        {"schemaVersion": 2, "manifests": [{"mediaType": "%s", "digest": "%s", "size": %d,
          "annotations": {"org.opencontainers.image.ref.name": "small"}}]}
        """
            .formatted(
                image.manifest().mediaType(),
                image.manifestDigest(),
                image.manifestBytes().length));
    return root;
  }

  private static Path repositoryRoot() {
    Path here = Path.of("").toAbsolutePath();
    while (here != null && !Files.exists(here.resolve("bench/p2p/run.sh"))) {
      here = here.getParent();
    }
    assertThat(here).as("bench/p2p/run.sh above " + Path.of("").toAbsolutePath()).isNotNull();
    return here;
  }

  @Test
  void withNearestPeersEachSiteTakesAboutOneCopyFromTheRegistry() throws Exception {
    requireTestbed();
    Path layout = layout(dir.resolve("oci"));
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder run =
        new ProcessBuilder(
                "bash",
                repositoryRoot().resolve("bench/p2p/run.sh").toString(),
                "--nodes",
                "4",
                "--sites",
                "2",
                "--contenders",
                "brume-no-peers nearest-peer",
                "--layout",
                layout.toString(),
                "--image",
                "small",
                "--timeout",
                "300",
                "--json")
            .redirectError(dir.resolve("run.log").toFile());
    run.environment().put("BENCH_OUT", dir.resolve("out").toString());
    run.environment()
        .put(
            "BRUME_CMD",
            java + " -Xmx64m -cp " + System.getProperty("java.class.path") + " io.brume.cli.Main");
    Process process = run.start();
    byte[] stdout = process.getInputStream().readAllBytes();
    boolean finished = process.waitFor(10, TimeUnit.MINUTES);
    String log = Files.readString(dir.resolve("run.log"));
    assertThat(finished).as(log).isTrue();
    assertThat(process.exitValue()).as(log).isZero();

    JsonNode result = new ObjectMapper().readTree(stdout);
    double image = result.path("image_mb").asDouble();
    assertThat(image).isGreaterThan(2.5);
    assertThat(result.path("nodes").asInt()).isEqualTo(4);
    assertThat(result.path("sites").asInt()).isEqualTo(2);
    JsonNode alone = result.path("contenders").path("brume-no-peers");
    JsonNode nearest = result.path("contenders").path("nearest-peer");
    // Without peers: one copy per node. With nearest peers: about one per site (+ HTTP overhead).
    assertThat(alone.path("registry_egress_mb").asDouble()).as(log).isGreaterThan(3.8 * image);
    assertThat(nearest.path("registry_egress_mb").asDouble())
        .as(log)
        .isLessThan(2 * 1.2 * image + 1);
    assertThat(nearest.path("all_done_s").asDouble()).isPositive();
    assertThat(nearest.path("median_done_s").asDouble())
        .isLessThanOrEqualTo(nearest.path("all_done_s").asDouble());
    assertThat(nearest.has("intersite_mb")).isTrue();
  }
}
