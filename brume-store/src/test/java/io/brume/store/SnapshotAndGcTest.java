package io.brume.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.oci.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotAndGcTest {
  @TempDir Path root;

  static final Digest DIFF_ID = Digest.sha256("layer".getBytes(StandardCharsets.UTF_8));

  @Test
  void anUnknownImageIsEmptyAndADamagedRecordSaysSo() throws Exception {
    ContentStore store = ContentStore.open(root);
    // Was a FileNotFoundException naming the record's JSON file (brume export of an unknown image).
    assertThat(store.images().get("registry.example/never:pulled")).isEmpty();
    store.images().put(record("r:1", "x"));
    try (var files = Files.list(root.resolve("images"))) {
      Files.writeString(files.toList().getFirst(), "{\"reference\": \"r:1\", \"created\": 5");
    }
    assertThatThrownBy(() -> store.images().get("r:1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is damaged")
        .hasMessageContaining("delete that file");
    assertThat(ImageStore.openReadOnly(root.resolve("nothing-here")).list()).isEmpty();
  }

  @Test
  void snapshotBecomesVisibleOnlyOnCommit() throws Exception {
    ContentStore store = ContentStore.open(root);
    Snapshot snapshot;
    try (SnapshotStaging staging = store.snapshots().stage(DIFF_ID)) {
      Files.writeString(staging.diff().resolve("file"), "content");
      Files.writeString(staging.directory().resolve("changes.json"), "{}");
      assertThat(store.snapshots().contains(DIFF_ID)).isFalse();
      snapshot = staging.commit();
    }
    assertThat(store.snapshots().contains(DIFF_ID)).isTrue();
    assertThat(Files.readString(snapshot.diff().resolve("file"))).isEqualTo("content");
    assertThat(snapshot.file("changes.json")).exists();
    assertThat(store.snapshots().list()).containsExactly(snapshot);
    try (var staging = Files.list(root.resolve("staging"))) {
      assertThat(staging).isEmpty();
    }
  }

  @Test
  void abandonedStagingIsDeleted() throws Exception {
    ContentStore store = ContentStore.open(root);
    try (SnapshotStaging staging = store.snapshots().stage(DIFF_ID)) {
      Files.writeString(staging.diff().resolve("half"), "written");
    }
    assertThat(store.snapshots().contains(DIFF_ID)).isFalse();
    try (var staging = Files.list(root.resolve("staging"))) {
      assertThat(staging).isEmpty();
    }
  }

  @Test
  void secondCommitOfTheSameLayerKeepsTheFirst() throws Exception {
    ContentStore store = ContentStore.open(root);
    try (SnapshotStaging staging = store.snapshots().stage(DIFF_ID)) {
      Files.writeString(staging.diff().resolve("first"), "1");
      staging.commit();
    }
    try (SnapshotStaging staging = store.snapshots().stage(DIFF_ID)) {
      Files.writeString(staging.diff().resolve("second"), "2");
      assertThat(staging.commit().diff().resolve("first")).exists();
    }
  }

  @Test
  void concurrentStagingOfOneLayerIsSerialised() throws Exception {
    ContentStore store = ContentStore.open(root);
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Boolean>> builders =
          java.util.stream.IntStream.range(0, 4)
              .mapToObj(
                  i ->
                      executor.submit(
                          () -> {
                            try (SnapshotStaging staging = store.snapshots().stage(DIFF_ID)) {
                              if (store.snapshots().contains(DIFF_ID)) {
                                return false;
                              }
                              Files.writeString(staging.diff().resolve("f"), "x");
                              staging.commit();
                              return true;
                            }
                          }))
              .toList();
      long built = 0;
      for (Future<Boolean> builder : builders) {
        built += builder.get(10, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(built).isEqualTo(1);
    }
  }

  @Test
  void imageRecordsRoundTripAndAreListedAndRemoved() throws Exception {
    ContentStore store = ContentStore.open(root);
    ImageRecord alpine = record("docker.io/library/alpine:3.20", "a");
    ImageRecord busybox = record("localhost:5000/busybox@sha256:" + "b".repeat(64), "b");
    store.images().put(alpine);
    store.images().put(busybox);

    ContentStore reopened = ContentStore.open(root);
    assertThat(reopened.images().get(alpine.reference())).contains(alpine);
    assertThat(reopened.images().list()).containsExactly(alpine, busybox);
    assertThat(reopened.images().remove(alpine.reference())).isTrue();
    assertThat(reopened.images().remove(alpine.reference())).isFalse();
    assertThat(reopened.images().list()).containsExactly(busybox);
  }

  @Test
  void gcKeepsReferencedContentAndFreesTheRest() throws Exception {
    ContentStore store = ContentStore.open(root);
    Digest manifest = blob(store, "manifest");
    Digest config = blob(store, "config");
    Digest layer = blob(store, "layer");
    Digest orphan = blob(store, "orphan layer");
    Digest liveDiff = snapshot(store, "live diff");
    Digest deadDiff = snapshot(store, "dead diff");
    try (BlobWriter partial = store.blobs().ingest(Digest.sha256(new byte[] {1, 2}), 2)) {
      partial.write(1);
    }
    store
        .images()
        .put(
            new ImageRecord(
                "r:1", manifest, config, List.of(layer), List.of(liveDiff), 10, Instant.EPOCH));

    long deadSnapshotBytes = filesSize(store.snapshots().find(deadDiff).orElseThrow().directory());

    GcResult result = store.gc();

    assertThat(result.blobs()).containsExactly(orphan);
    assertThat(result.snapshots()).containsExactly(deadDiff);
    assertThat(result.partials()).hasSize(1).allMatch(name -> name.startsWith("ingest/"));
    assertThat(result.bytesFreed()).isEqualTo("orphan layer".length() + deadSnapshotBytes + 1);
    assertThat(store.blobs().list()).containsExactlyInAnyOrder(manifest, config, layer);
    assertThat(store.snapshots().contains(liveDiff)).isTrue();

    store.images().remove("r:1");
    GcResult everything = store.gc();
    assertThat(everything.blobs()).containsExactlyInAnyOrder(manifest, config, layer);
    assertThat(store.snapshots().list()).isEmpty();
  }

  @Test
  @SuppressWarnings("try") // the lease is held, never read
  void gcWaitsForLeases() throws Exception {
    ContentStore store = ContentStore.open(root);
    Digest unreferenced = blob(store, "committed but not yet recorded");
    var waiting = new java.util.concurrent.CountDownLatch(1);
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<GcResult> gc;
      try (Lease pull = store.lease()) {
        gc = executor.submit(() -> store.gcWhenFree(waiting::countDown));
        // gc says that it waits (brume gc prints it), then waits for the pull, which writes its
        // record while still holding the lease; gc must not have run.
        assertThat(waiting.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(gc.isDone()).isFalse();
        store
            .images()
            .put(
                new ImageRecord(
                    "r:1", unreferenced, unreferenced, List.of(), List.of(), 1, Instant.EPOCH));
      }
      assertThat(gc.get(10, TimeUnit.SECONDS).blobs()).isEmpty();
    }
  }

  static long filesSize(Path dir) throws Exception {
    try (var paths = Files.walk(dir)) {
      long total = 0;
      for (Path path : paths.filter(Files::isRegularFile).toList()) {
        total += Files.size(path);
      }
      return total;
    }
  }

  static ImageRecord record(String reference, String seed) {
    Digest d = Digest.sha256(seed.getBytes(StandardCharsets.UTF_8));
    return new ImageRecord(
        reference, d, d, List.of(d, d), List.of(d, d), 1234, Instant.parse("2026-01-02T03:04:05Z"));
  }

  static Digest blob(ContentStore store, String content) throws Exception {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(bytes);
    try (BlobWriter writer = store.blobs().ingest(digest, bytes.length)) {
      writer.write(bytes);
      writer.commit();
    }
    return digest;
  }

  static Digest snapshot(ContentStore store, String content) throws Exception {
    Digest diffId = Digest.sha256(content.getBytes(StandardCharsets.UTF_8));
    try (SnapshotStaging staging = store.snapshots().stage(diffId)) {
      Files.writeString(staging.diff().resolve("f"), content);
      staging.commit();
    }
    return diffId;
  }
}
