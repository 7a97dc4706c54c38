package io.brume.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.brume.oci.ImageReference;
import io.brume.oci.Platform;
import io.brume.registry.RegistryClient;
import io.brume.registry.RetryPolicy;
import io.brume.store.ContentStore;
import io.brume.testing.LocalRegistry;
import io.brume.testing.Prerequisites;
import io.brume.unpack.TruncatedArchiveException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code umoci insert --rootless} (Debian umoci 0.4.7) writes a layer tar that stops right
 * after the last entry's data: no padding to the 512-byte record, no end-of-archive marker. The
 * image, copied into Debian's docker-registry with skopeo, must fail to pull with a message naming
 * the layer digest, the entry and the byte offset, and nothing may be committed.
 */
class UmociInsertPullIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.create();

  @TempDir Path work;
  @TempDir Path storeRoot;

  @Test
  void aLayerWrittenByUmociInsertFailsNamingLayerEntryAndOffset() throws Exception {
    Prerequisites.requireTools("umoci", "skopeo"); // Debian packages of the same names
    Path layout = work.resolve("layout");
    Path content = work.resolve("content");
    Files.createDirectories(content.resolve("sub"));
    Files.writeString(content.resolve("sub/a.txt"), "hello\n");
    run("umoci", "init", "--layout", layout.toString());
    run("umoci", "new", "--image", layout + ":t");
    run("umoci", "insert", "--rootless", "--image", layout + ":t", content.toString(), "/data");
    String layer = gzipBlob(layout);
    run(
        "skopeo",
        "copy",
        "--dest-tls-verify=false",
        "oci:" + layout + ":t",
        "docker://" + REGISTRY.hostPort() + "/brume/umoci-insert:v1");

    try (ContentStore store = ContentStore.open(storeRoot);
        RegistryClient client =
            RegistryClient.builder(REGISTRY.hostPort())
                .plainHttp(true)
                .sleeper(d -> {})
                .connectTimeout(Duration.ofSeconds(5))
                .build()) {
      ImagePuller puller =
          ImagePuller.builder(store, client)
              .sleeper(d -> {})
              .retry(RetryPolicy.defaults().withMaxAttempts(3))
              .build();
      ImageReference ref = ImageReference.parse(REGISTRY.hostPort() + "/brume/umoci-insert:v1");

      assertThatThrownBy(() -> puller.pull(ref, Platform.of("linux", "amd64")))
          .hasMessageMatching(
              "layer sha256:"
                  + layer
                  + ": truncated layer tar: the stream ends at byte \\d+, right after the data of"
                  + " entry \"data/sub/a.txt\" \\(bytes \\d+ to \\d+\\): the zero padding .*")
          .hasRootCauseInstanceOf(IOException.class)
          .satisfies(e -> assertThat(findTruncation(e).entryName()).isEqualTo("data/sub/a.txt"));
      assertThat(store.images().list()).isEmpty();
    }
  }

  private static TruncatedArchiveException findTruncation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TruncatedArchiveException truncated) {
        return truncated;
      }
    }
    throw new AssertionError("no TruncatedArchiveException in", failure);
  }

  /** The hex digest of the layout's only gzip blob: the layer umoci inserted. */
  private static String gzipBlob(Path layout) throws IOException {
    List<String> layers = new ArrayList<>();
    try (Stream<Path> blobs = Files.list(layout.resolve("blobs/sha256"))) {
      for (Path blob : blobs.toList()) {
        try (InputStream in = Files.newInputStream(blob)) {
          if (in.read() == 0x1f && in.read() == 0x8b) {
            layers.add(blob.getFileName().toString());
          }
        }
      }
    }
    assertThat(layers).hasSize(1);
    return layers.get(0);
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("%s timed out", String.join(" ", command));
    }
    assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), output).isZero();
  }
}
