package io.brume.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.oci.Digest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A writer killed with SIGKILL at any moment leaves nothing that looks complete. */
class KillMidwayTest {
  @TempDir Path root;

  static final String CONTENT = "a blob that was being downloaded when the power went";
  static final Digest DIGEST = Digest.sha256(CONTENT.getBytes(StandardCharsets.UTF_8));

  @Test
  void killedProcessLeavesOnlyResumableIngestAndStaleStaging() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                KilledWriter.class.getName(),
                root.toString(),
                CONTENT)
            .redirectErrorStream(true)
            .start();
    try {
      var output =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(output.readLine()).isEqualTo("READY");

      // While the child lives, its locks hold: another opener must not clean its staging dir.
      ContentStore concurrent = ContentStore.open(root);
      try (var staging = Files.list(root.resolve("staging"))) {
        assertThat(staging).hasSize(1);
      }
      assertThat(concurrent.snapshots().contains(DIGEST)).isFalse();
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    ContentStore reopened = ContentStore.open(root);
    assertThat(reopened.blobs().contains(DIGEST)).isFalse();
    assertThat(reopened.snapshots().contains(DIGEST)).isFalse();
    assertThat(reopened.snapshots().list()).isEmpty();
    try (var staging = Files.list(root.resolve("staging"))) {
      assertThat(staging).isEmpty();
    }
    int half = CONTENT.length() / 2;
    assertThat(reopened.blobs().partialSize(DIGEST)).isEqualTo(half);
    byte[] bytes = CONTENT.getBytes(StandardCharsets.UTF_8);
    try (BlobWriter resumed = reopened.blobs().ingest(DIGEST, bytes.length)) {
      assertThat(resumed.offset()).isEqualTo(half);
      resumed.write(bytes, half, bytes.length - half);
      resumed.commit();
    }
    assertThat(reopened.blobs().contains(DIGEST)).isTrue();
  }

  @Test
  void snapshotDirectoryWithoutMarkerIsNotComplete() throws Exception {
    ContentStore store = ContentStore.open(root);
    Path damaged =
        Files.createDirectories(root.resolve("snapshots/sha256/" + DIGEST.encoded() + "/diff"));
    Files.writeString(damaged.resolve("file"), "x");

    assertThat(store.snapshots().contains(DIGEST)).isFalse();
    assertThat(store.snapshots().list()).isEmpty();
    assertThat(store.gc().snapshots()).containsExactly(DIGEST);
  }

  @Test
  void interruptedImageRecordWriteLeavesTheOldRecord() throws Exception {
    ContentStore store = ContentStore.open(root);
    ImageRecord record = SnapshotAndGcTest.record("r:1", "x");
    store.images().put(record);
    Path killed;
    try (var files = Files.list(root.resolve("images"))) {
      Path file = files.toList().getFirst();
      killed = file.resolveSibling("." + file.getFileName() + ".1234.tmp");
      Files.writeString(killed, "{ half a rec");
      Files.setLastModifiedTime(killed, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    }

    ContentStore reopened = ContentStore.open(root);
    assertThat(reopened.images().list()).containsExactly(record);
    assertThat(killed).doesNotExist();
    try (var files = Files.list(root.resolve("images"))) {
      assertThat(files).hasSize(1);
    }
  }

  @Test
  void aYoungTemporaryRecordMayBelongToARunningWriterSoOnlyGcRemovesIt() throws Exception {
    ContentStore store = ContentStore.open(root);
    Path young = Files.writeString(root.resolve("images/.abc.json.5678.tmp"), "{ being writ");

    ContentStore.open(root);
    assertThat(young).exists();
    assertThat(store.gc().partials()).containsExactly("images/" + young.getFileName());
    assertThat(young).doesNotExist();
  }
}
