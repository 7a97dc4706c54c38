package io.brume.pull;

import io.brume.oci.Descriptor;
import io.brume.oci.Digest;
import io.brume.peer.PeerFetcher;
import io.brume.peer.PeerStream;
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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

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
 *
 * <p>With a {@link PeerFetcher}, peers are asked first. A peer that fails, stalls or is too slow is
 * abandoned mid-blob and the download resumes at the same byte from the next peer or the registry
 * ({@code Range}). Extraction follows the bytes as they arrive, whatever the source, into a staging
 * snapshot that is committed only after the whole blob verified (the extractor already reads
 * unverified registry bytes this way, so a peer can do no more than the registry path allows); a
 * blob whose peer bytes fail verification is deleted, its file is superseded (the extraction from
 * it is thrown away), its peers are dropped, and it is fetched again from the registry. Each
 * source's share of a layer is reported as a {@link PullEvent.Transferred}.
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
  private final Optional<PeerFetcher> peers;
  private final Digest image;

  BlobDownloader(
      RegistryClient registry,
      String repository,
      BlobStore blobs,
      RetryPolicy retry,
      Sleeper sleeper,
      PullListener listener,
      Optional<PeerFetcher> peers,
      Digest image) {
    this.registry = registry;
    this.repository = repository;
    this.blobs = blobs;
    this.retry = retry;
    this.sleeper = sleeper;
    this.listener = listener;
    this.peers = peers;
    this.image = image;
  }

  /**
   * Brings {@code blob} into the store. {@code onStart} receives the growing ingest file before the
   * first byte is requested, so that extraction can follow the download. {@code onReceived} runs
   * once every byte from the registry is on disk, before the verification makes them durable (an
   * fsync of the whole blob: tens of milliseconds for a large layer), so that the next layer's
   * request need not wait for it; bytes from peers only once they verified. On success the file is
   * complete; on failure it is failed, and its bytes are kept for a resume unless they are proven
   * wrong.
   */
  void download(Descriptor blob, Consumer<GrowingFile> onStart, Runnable onReceived)
      throws IOException, InterruptedException {
    if (peers.isPresent() && downloadFromPeers(peers.get(), blob, onStart, onReceived)) {
      return;
    }
    downloadFromRegistry(blob, onStart, onReceived);
  }

  /**
   * Fetches the whole blob starting from the best peer, failing over to other peers and finally the
   * registry, verifies it and only then hands it to extraction.
   *
   * @return false when no peer holds the blob, or the peers' bytes were wrong (deleted): fetch it
   *     from the registry
   */
  private boolean downloadFromPeers(
      PeerFetcher fetcher, Descriptor blob, Consumer<GrowingFile> onStart, Runnable onReceived)
      throws IOException, InterruptedException {
    Sources sources = new Sources(blob);
    try (BlobWriter writer = blobs.ingest(blob.digest(), blob.size())) {
      if (blobs.contains(blob.digest())) {
        writer.discard();
        onStart.accept(GrowingFile.complete(blobs.path(blob.digest())));
        return true;
      }
      Optional<PeerStream> next =
          fetcher.open(repository, blob.digest(), blob.size(), writer.offset());
      if (next.isEmpty()) {
        // Nobody has it yet: if a node of this site is fetching this image, wait for it.
        next = fetcher.awaitSeeder(image, repository, blob.digest(), blob.size(), writer.offset());
      }
      if (next.isEmpty()) {
        return false;
      }
      // Extraction follows the peers' bytes as they arrive (into a staging snapshot that is only
      // committed after this blob verified); bytes that fail verification supersede the file.
      GrowingFile growing = GrowingFile.follow(writer.path(), writer.offset());
      onStart.accept(growing);
      try {
        if (!fromPeers(fetcher, blob, writer, growing, next, sources, onReceived)) {
          return false;
        }
        growing.complete();
      } catch (IOException | InterruptedException | RuntimeException e) {
        growing.fail(e);
        throw e;
      }
    }
    sources.report(listener);
    return true;
  }

  /**
   * Writes the blob from {@code first} on, failing over to other peers and then the registry, and
   * commits it.
   *
   * @return false when the peers' bytes were wrong: deleted, {@code growing} superseded
   */
  private boolean fromPeers(
      PeerFetcher fetcher,
      Descriptor blob,
      BlobWriter writer,
      GrowingFile growing,
      Optional<PeerStream> first,
      Sources sources,
      Runnable onReceived)
      throws IOException, InterruptedException {
    Optional<PeerStream> next = first;
    Set<String> contributors = new LinkedHashSet<>();
    LongConsumer follows = growing::advance;
    while (next.isPresent()) {
      PeerStream stream = next.get();
      contributors.add(stream.peer());
      long before = writer.offset();
      long started = System.nanoTime();
      try (stream) {
        pump(stream.body(), blob, writer, follows);
      } catch (io.brume.store.BlobVerificationException e) {
        // More bytes than the descriptor declares: the writer deleted them.
        growing.supersede(e);
        return rejected(fetcher, blob, contributors, sources);
      } catch (IOException e) {
        stream.abandon(e);
        if (writer.offset() < blob.size()) {
          listener.onEvent(
              new PullEvent.Resuming(
                  blob.digest(), writer.offset(), "peer " + stream.peer() + ": " + e.getMessage()));
        }
      } finally {
        sources.add("peer " + stream.peer(), writer.offset() - before, System.nanoTime() - started);
      }
      if (writer.offset() == blob.size()) {
        break;
      }
      next = fetcher.open(repository, blob.digest(), blob.size(), writer.offset());
    }
    if (writer.offset() < blob.size()) {
      long before = writer.offset();
      long started = System.nanoTime();
      try {
        receive(blob, writer, follows);
      } finally {
        sources.add(REGISTRY, writer.offset() - before, System.nanoTime() - started);
      }
    }
    try {
      writer.commit();
    } catch (io.brume.store.BlobVerificationException e) {
      growing.supersede(e);
      return rejected(fetcher, blob, contributors, sources);
    }
    // Only now: a peer whose bytes failed verification is dropped before the next layer asks it.
    onReceived.run();
    return true;
  }

  /** The peers' bytes were wrong (already deleted): drop those peers, go to the registry. */
  private boolean rejected(
      PeerFetcher fetcher, Descriptor blob, Set<String> contributors, Sources sources) {
    fetcher.rejectContent(blob.digest(), contributors);
    sources.report(listener);
    listener.onEvent(
        new PullEvent.Resuming(
            blob.digest(),
            0,
            "bytes from peer(s) "
                + String.join(", ", contributors)
                + " failed verification; peers dropped, fetching from the registry"));
    return false;
  }

  private void downloadFromRegistry(
      Descriptor blob, Consumer<GrowingFile> onStart, Runnable onReceived)
      throws IOException, InterruptedException {
    Sources sources = new Sources(blob);
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
      long before = writer.offset();
      long started = System.nanoTime();
      try {
        receive(blob, writer, growing::advance);
        sources.add(REGISTRY, writer.offset() - before, System.nanoTime() - started);
        onReceived.run();
        writer.commit();
        growing.complete();
      } catch (IOException | InterruptedException | RuntimeException e) {
        growing.fail(e);
        throw e;
      }
    }
    sources.report(listener);
  }

  private void receive(Descriptor blob, BlobWriter writer, LongConsumer advanced)
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
        copyFrom(blob, writer, advanced);
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
  private void copyFrom(Descriptor blob, BlobWriter writer, LongConsumer advanced)
      throws IOException, InterruptedException {
    long offset = writer.offset();
    try (BlobResponse response = registry.openBlob(repository, blob.digest(), offset);
        InputStream in = response.body()) {
      // A registry that ignores Range sends the blob from byte 0: drop what is already on disk.
      in.skipNBytes(offset - response.startOffset());
      pump(in, blob, writer, advanced);
    }
  }

  /** Appends {@code in} to the writer, reporting progress. */
  private void pump(InputStream in, Descriptor blob, BlobWriter writer, LongConsumer advanced)
      throws IOException {
    byte[] chunk = new byte[CHUNK];
    long nextProgress = writer.offset() + PROGRESS_STEP;
    int n;
    while ((n = in.read(chunk)) > 0) {
      writer.write(chunk, 0, n);
      advanced.accept(writer.offset());
      if (writer.offset() >= nextProgress || writer.offset() == blob.size()) {
        listener.onEvent(new PullEvent.Downloading(blob.digest(), writer.offset(), blob.size()));
        nextProgress = writer.offset() + PROGRESS_STEP;
      }
    }
  }

  static final String REGISTRY = "registry";

  /** Bytes and time per source of one layer, reported once the layer's download ends. */
  private static final class Sources {
    private final Descriptor blob;
    private final Map<String, long[]> bySource = new LinkedHashMap<>();

    Sources(Descriptor blob) {
      this.blob = blob;
    }

    void add(String source, long bytes, long nanos) {
      if (bytes <= 0) {
        return;
      }
      long[] totals = bySource.computeIfAbsent(source, s -> new long[2]);
      totals[0] += bytes;
      totals[1] += nanos;
    }

    void report(PullListener listener) {
      bySource.forEach(
          (source, totals) ->
              listener.onEvent(
                  new PullEvent.Transferred(blob.digest(), source, totals[0], totals[1])));
      bySource.clear();
    }
  }

  private Duration delayAfter(int failures) {
    double nanos = retry.initialDelay().toNanos() * Math.pow(retry.multiplier(), failures - 1);
    return Duration.ofNanos((long) Math.min(nanos, retry.maxDelay().toNanos()));
  }
}
