package io.brume.pull;

import io.brume.oci.Descriptor;
import io.brume.registry.BlobResponse;
import io.brume.registry.RegistryClient;
import io.brume.registry.RegistryException;
import io.brume.registry.RetryPolicy;
import io.brume.registry.Sleeper;
import io.brume.store.BlobStore;
import io.brume.store.BlobWriter;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Downloads one blob into the store's ingest file, resuming with HTTP {@code Range} from the bytes
 * already there — after a connection reset in this process, or after the process was killed — and
 * commits it only after size and digest verification ({@link BlobWriter#commit()}).
 *
 * <p>The registry client already retries a request that fails to start; this class handles what it
 * cannot: a body that breaks off half-way. Failures in a row without a byte of progress are bounded
 * by the retry policy, so a slow link that keeps delivering is never given up on. Hashing runs on
 * the download thread: with SHA extensions SHA-256 is several times faster than any link or
 * inflater here, so it never becomes the critical path.
 */
final class BlobDownloader {
  private static final int CHUNK = 256 * 1024;
  // Progress events every 1 MB keep the terminal lively without costing the download anything.
  private static final long PROGRESS_STEP = 1 << 20;

  private final RegistryClient registry;
  private final String repository;
  private final BlobStore blobs;
  private final RetryPolicy retry;
  private final Sleeper sleeper;
  private final PullListener listener;

  BlobDownloader(
      RegistryClient registry,
      String repository,
      BlobStore blobs,
      RetryPolicy retry,
      Sleeper sleeper,
      PullListener listener) {
    this.registry = registry;
    this.repository = repository;
    this.blobs = blobs;
    this.retry = retry;
    this.sleeper = sleeper;
    this.listener = listener;
  }

  /**
   * Brings {@code blob} into the store. {@code onStart} receives the growing ingest file before the
   * first byte is requested, so that extraction can follow the download. On success the file is
   * complete; on failure it is failed, and its bytes are kept for a resume unless they are proven
   * wrong.
   */
  void download(Descriptor blob, Consumer<GrowingFile> onStart)
      throws IOException, InterruptedException {
    try (BlobWriter writer = blobs.ingest(blob.digest(), blob.size())) {
      if (blobs.contains(blob.digest())) {
        // Another pull (or this image's other use of the same layer) committed it while this one
        // waited for the blob's lock.
        writer.discard();
        onStart.accept(GrowingFile.complete(blobs.path(blob.digest())));
        return;
      }
      GrowingFile growing = GrowingFile.follow(writer.path(), writer.offset());
      onStart.accept(growing);
      try {
        receive(blob, writer, growing);
        writer.commit();
        growing.complete();
      } catch (IOException | InterruptedException | RuntimeException e) {
        growing.fail(e);
        throw e;
      }
    }
  }

  private void receive(Descriptor blob, BlobWriter writer, GrowingFile growing)
      throws IOException, InterruptedException {
    if (writer.offset() > 0) {
      listener.onEvent(
          new PullEvent.Resuming(blob.digest(), writer.offset(), "partial download kept on disk"));
    }
    int failuresInARow = 0;
    while (writer.offset() < blob.size()) {
      long before = writer.offset();
      IOException failure = null;
      try {
        copyFrom(blob, writer, growing);
      } catch (RegistryException e) {
        throw e; // the client already retried what can be retried; 4xx will not heal
      } catch (io.brume.store.BlobVerificationException e) {
        throw e; // more bytes than declared: the content is wrong, not the connection
      } catch (IOException e) {
        failure = e;
      }
      if (writer.offset() == blob.size()) {
        break;
      }
      failuresInARow = writer.offset() > before ? 1 : failuresInARow + 1;
      String reason =
          failure == null
              ? "the registry ended the body early"
              : String.valueOf(failure.getMessage());
      if (failuresInARow >= retry.maxAttempts()) {
        throw new IOException(
            "downloading "
                + blob.digest()
                + " failed "
                + failuresInARow
                + " times in a row at byte "
                + writer.offset()
                + " of "
                + blob.size()
                + ": "
                + reason,
            failure);
      }
      listener.onEvent(new PullEvent.Resuming(blob.digest(), writer.offset(), reason));
      sleeper.sleep(delayAfter(failuresInARow));
    }
  }

  /** One request: appends the body from the writer's offset on. */
  private void copyFrom(Descriptor blob, BlobWriter writer, GrowingFile growing)
      throws IOException, InterruptedException {
    long offset = writer.offset();
    try (BlobResponse response = registry.openBlob(repository, blob.digest(), offset);
        InputStream in = response.body()) {
      // A registry that ignores Range sends the blob from byte 0: drop what is already on disk.
      in.skipNBytes(offset - response.startOffset());
      byte[] chunk = new byte[CHUNK];
      long nextProgress = offset + PROGRESS_STEP;
      int n;
      while ((n = in.read(chunk)) > 0) {
        writer.write(chunk, 0, n);
        growing.advance(writer.offset());
        if (writer.offset() >= nextProgress || writer.offset() == blob.size()) {
          listener.onEvent(new PullEvent.Downloading(blob.digest(), writer.offset(), blob.size()));
          nextProgress = writer.offset() + PROGRESS_STEP;
        }
      }
    }
  }

  private Duration delayAfter(int failures) {
    double nanos = retry.initialDelay().toNanos() * Math.pow(retry.multiplier(), failures - 1);
    return Duration.ofNanos((long) Math.min(nanos, retry.maxDelay().toNanos()));
  }
}
