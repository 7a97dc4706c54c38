package io.brume.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {
  @TempDir Path root;

  static final byte[] CONTENT = "the layer's compressed bytes".getBytes(StandardCharsets.UTF_8);
  static final Digest DIGEST = Digest.sha256(CONTENT);

  @Test
  void commitsOnlyVerifiedContent() throws Exception {
    ContentStore store = ContentStore.open(root);
    try (BlobWriter writer = store.blobs().ingest(DIGEST, CONTENT.length)) {
      assertThat(writer.offset()).isZero();
      writer.write(CONTENT);
      assertThat(store.blobs().contains(DIGEST)).isFalse();
      Path committed = writer.commit();
      assertThat(committed)
          .isEqualTo(root.toRealPath().resolve("blobs/sha256/" + DIGEST.encoded()));
    }
    assertThat(store.blobs().contains(DIGEST)).isTrue();
    try (var in = store.blobs().open(DIGEST)) {
      assertThat(in.readAllBytes()).isEqualTo(CONTENT);
    }
    assertThat(store.blobs().list()).containsExactly(DIGEST);
    assertThat(store.blobs().partialSize(DIGEST)).isZero();
  }

  @Test
  void wrongDigestIsRejectedAndItsBytesDropped() throws Exception {
    ContentStore store = ContentStore.open(root);
    byte[] wrong = Arrays.copyOf(CONTENT, CONTENT.length);
    wrong[0] ^= 1;
    BlobWriter writer = store.blobs().ingest(DIGEST, CONTENT.length);
    writer.write(wrong);

    assertThatThrownBy(writer::commit)
        .isInstanceOf(BlobVerificationException.class)
        .hasMessageContaining(DIGEST.toString())
        .hasMessageContaining(Digest.sha256(wrong).toString());
    assertThat(store.blobs().contains(DIGEST)).isFalse();
    assertThat(store.blobs().partialSize(DIGEST)).isZero();
  }

  @Test
  void tooManyBytesFailAtOnce() throws Exception {
    ContentStore store = ContentStore.open(root);
    BlobWriter writer = store.blobs().ingest(DIGEST, 4);

    assertThatThrownBy(() -> writer.write(CONTENT))
        .isInstanceOf(BlobVerificationException.class)
        .hasMessageContaining("more than the 4 bytes");
    assertThat(store.blobs().partialSize(DIGEST)).isZero();
  }

  @Test
  void shortContentIsKeptAndResumedWithTheHashRecomputed() throws Exception {
    ContentStore store = ContentStore.open(root);
    BlobWriter first = store.blobs().ingest(DIGEST, CONTENT.length);
    first.write(CONTENT, 0, 10);
    assertThatThrownBy(first::commit)
        .isInstanceOf(BlobVerificationException.class)
        .hasMessageContaining("got 10 of " + CONTENT.length);

    ContentStore reopened = ContentStore.open(root);
    assertThat(reopened.blobs().partialSize(DIGEST)).isEqualTo(10);
    try (BlobWriter resumed = reopened.blobs().ingest(DIGEST, CONTENT.length)) {
      assertThat(resumed.offset()).isEqualTo(10);
      try (var existing = resumed.existingContent()) {
        assertThat(existing.readAllBytes()).isEqualTo(Arrays.copyOf(CONTENT, 10));
      }
      resumed.write(CONTENT, 10, CONTENT.length - 10);
      resumed.commit();
    }
    assertThat(reopened.blobs().contains(DIGEST)).isTrue();
  }

  @Test
  void corruptPartialContentIsCaughtAtCommit() throws Exception {
    ContentStore store = ContentStore.open(root);
    Files.write(store.blobs().ingestPath(DIGEST), "garbage".getBytes(StandardCharsets.UTF_8));

    BlobWriter resumed = store.blobs().ingest(DIGEST, CONTENT.length);
    resumed.write(CONTENT, 7, CONTENT.length - 7);

    assertThatThrownBy(resumed::commit).isInstanceOf(BlobVerificationException.class);
    assertThat(store.blobs().contains(DIGEST)).isFalse();
  }

  @Test
  void sha512DigestsAreVerifiedWithTheirOwnAlgorithm() throws Exception {
    ContentStore store = ContentStore.open(root);
    Digest sha512 = Digest.of(Digest.SHA512, CONTENT);
    try (BlobWriter writer = store.blobs().ingest(sha512, CONTENT.length)) {
      writer.write(CONTENT);
      writer.commit();
    }
    assertThat(Files.exists(root.resolve("blobs/sha512/" + sha512.encoded()))).isTrue();
  }

  @Test
  void twoWritersOfTheSameBlobTakeTurns() throws Exception {
    ContentStore store = ContentStore.open(root);
    CountDownLatch firstHolds = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> first =
          executor.submit(
              () -> {
                try (BlobWriter writer = store.blobs().ingest(DIGEST, CONTENT.length)) {
                  writer.write(CONTENT, 0, 5);
                  firstHolds.countDown();
                  release.await();
                  writer.write(CONTENT, 5, CONTENT.length - 5);
                  writer.commit();
                }
                return null;
              });
      firstHolds.await();
      Future<Boolean> second =
          executor.submit(
              () -> {
                try (BlobWriter writer = store.blobs().ingest(DIGEST, CONTENT.length)) {
                  // The first writer committed while this one waited: nothing left to resume.
                  return store.blobs().contains(DIGEST) && writer.offset() == 0;
                }
              });
      assertThat(second.isDone()).isFalse();
      release.countDown();
      first.get(10, TimeUnit.SECONDS);
      assertThat(second.get(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void spaceCheckNamesTheLayerAndTheBytesNeeded() throws Exception {
    ContentStore store = ContentStore.open(root);
    store.requireSpace("layer " + DIGEST, 1);

    assertThatThrownBy(() -> store.requireSpace("layer " + DIGEST, Long.MAX_VALUE))
        .isInstanceOf(InsufficientSpaceException.class)
        .hasMessageContaining("layer " + DIGEST)
        .hasMessageContaining(Long.MAX_VALUE + " bytes");
  }

  @Test
  void defaultRootFollowsXdg() {
    Path home = Path.of("/home/someone");
    assertThat(ContentStore.defaultRoot(java.util.Map.of(), home))
        .isEqualTo(Path.of("/home/someone/.local/share/brume"));
    assertThat(ContentStore.defaultRoot(java.util.Map.of("XDG_DATA_HOME", "/data"), home))
        .isEqualTo(Path.of("/data/brume"));
    assertThat(ContentStore.defaultRoot(java.util.Map.of("XDG_DATA_HOME", "relative"), home))
        .isEqualTo(Path.of("/home/someone/.local/share/brume"));
  }
}
