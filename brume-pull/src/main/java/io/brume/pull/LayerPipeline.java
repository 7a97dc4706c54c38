package io.brume.pull;

import io.brume.oci.Descriptor;
import io.brume.oci.Digest;
import io.brume.oci.MediaType;
import io.brume.store.ContentStore;
import io.brume.store.InsufficientSpaceException;
import io.brume.store.SnapshotStaging;
import io.brume.unpack.LayerChanges;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

/**
 * Brings the layers of one image into the store, scheduled by a {@link PullStrategy}. This is the
 * only class of the pull that owns threads: downloads start in layer order, at most as many at a
 * time as the strategy's download concurrency, extractions run on a pool as wide as its extraction
 * concurrency, also fed in layer order, so with one download at a time the base layer arrives
 * first. A download gives up its turn once its last byte is on disk: the next layer's request does
 * not wait for the previous blob's verification and fsync.
 *
 * <p>Per layer: the download writes the store's ingest file; the extraction reads it — after the
 * verified download ({@code docker}, {@code sequential}) or following it as it grows ({@code
 * pipelined}, {@code auto}) — into a staging snapshot that is committed only once both the
 * compressed digest and the uncompressed {@code diff_id} matched. Any failure deletes the staging
 * snapshot; the ingest file stays for a later resume unless its content is proven wrong.
 */
final class LayerPipeline {
  /** Typical uncompressed-to-gzip ratio of layer file trees; used only for the space estimate. */
  private static final long EXPANSION_ESTIMATE = 3;

  /** One layer to bring in: its blob descriptor and the config's diff_id for it. */
  record Layer(Descriptor blob, Digest diffId) {}

  private final ContentStore store;
  private final BlobDownloader downloader;
  private final LayerUnpacker unpacker;
  private final PullStrategy strategy;
  private final PullListener listener;

  LayerPipeline(
      ContentStore store,
      BlobDownloader downloader,
      LayerUnpacker unpacker,
      PullStrategy strategy,
      PullListener listener) {
    this.store = store;
    this.downloader = downloader;
    this.unpacker = unpacker;
    this.strategy = strategy;
    this.listener = listener;
  }

  /** The progress of one layer, shared by its download and its extraction. */
  private static final class LayerRun {
    final Layer layer;
    final Sources started = new Sources();
    final CompletableFuture<Void> downloaded = new CompletableFuture<>();
    // Completed once every byte is on disk (or the download ended otherwise): the next may start.
    final CompletableFuture<Void> received = new CompletableFuture<>();

    LayerRun(Layer layer) {
      this.layer = layer;
    }
  }

  /**
   * The files a layer's download writes, in order: usually one; another after a peer's bytes were
   * proven wrong and the download started over from the registry (the first is then superseded).
   */
  private static final class Sources {
    private final Deque<GrowingFile> files = new ArrayDeque<>();
    private @Nullable Throwable failure;

    synchronized void complete(GrowingFile file) {
      files.addLast(file);
      notifyAll();
    }

    synchronized void completeExceptionally(Throwable cause) {
      failure = cause;
      notifyAll();
    }

    /** The next file to extract from, waiting for the download to start it. */
    synchronized GrowingFile next() throws InterruptedException, ExecutionException {
      while (files.isEmpty()) {
        if (failure != null) {
          throw new ExecutionException(failure);
        }
        wait();
      }
      return files.removeFirst();
    }
  }

  /** Pulls every layer whose snapshot the store does not have yet. */
  void run(List<Layer> layers) throws IOException, InterruptedException {
    List<LayerRun> runs = new ArrayList<>();
    for (Layer layer : layers) {
      Descriptor blob = layer.blob();
      if (store.snapshots().contains(layer.diffId())) {
        listener.onEvent(new PullEvent.AlreadyPresent(blob.digest(), blob.size()));
      } else {
        listener.onEvent(new PullEvent.Waiting(blob.digest(), blob.size()));
        runs.add(new LayerRun(layer));
      }
    }
    checkSpace(runs);
    ThreadFactory virtual = Thread.ofVirtual().name("brume-pull-", 0).factory();
    try (ExecutorService downloads = Executors.newThreadPerTaskExecutor(virtual);
        ExecutorService extractors =
            Executors.newFixedThreadPool(strategy.extractions(), virtual)) {
      List<Future<?>> extractions = new ArrayList<>();
      downloads.submit(() -> startInTurn(runs, downloads));
      for (LayerRun run : runs) {
        extractions.add(extractors.submit(() -> extract(run)));
      }
      try {
        for (Future<?> extraction : extractions) {
          extraction.get();
        }
      } catch (ExecutionException | InterruptedException e) {
        // One layer failed: stop the others now rather than finish work that is thrown away.
        downloads.shutdownNow();
        extractors.shutdownNow();
        if (e instanceof ExecutionException failed) {
          throw unwrap(failed);
        }
        throw (InterruptedException) e;
      }
    }
  }

  /**
   * Fails before any byte is written when the layers cannot fit: each layer needs its blob plus its
   * extraction (estimated), and the error names the first layer that does not fit.
   */
  private void checkSpace(List<LayerRun> runs) throws IOException {
    long needed = 0;
    for (LayerRun run : runs) {
      needed += run.layer.blob().size() * (1 + EXPANSION_ESTIMATE);
      store.requireSpace(
          "layer " + run.layer.blob().digest() + " and the layers before it", needed);
    }
  }

  /**
   * Starts the downloads in layer order, each once a turn is free: a turn is taken when a download
   * starts and given back when its bytes have all arrived. Layers it could not start are failed, so
   * that no extraction waits for them.
   */
  private Void startInTurn(List<LayerRun> runs, ExecutorService downloads)
      throws InterruptedException {
    Semaphore turns = new Semaphore(strategy.downloads());
    int next = 0;
    try {
      for (; next < runs.size(); next++) {
        LayerRun run = runs.get(next);
        turns.acquire();
        run.received.whenComplete((ignored, failure) -> turns.release());
        downloads.submit(() -> download(run));
      }
    } catch (InterruptedException | RuntimeException | Error e) {
      for (LayerRun run : runs.subList(next, runs.size())) {
        fail(run, e);
      }
      throw e;
    }
    return null;
  }

  private void download(LayerRun run) {
    Descriptor blob = run.layer.blob();
    try {
      if (store.blobs().contains(blob.digest())) {
        run.started.complete(GrowingFile.complete(store.blobs().path(blob.digest())));
      } else {
        downloader.download(blob, run.started::complete, () -> run.received.complete(null));
      }
      run.downloaded.complete(null);
    } catch (IOException e) {
      fail(run, LayerPullException.of(blob.digest(), e));
    } catch (InterruptedException | RuntimeException | Error e) {
      fail(run, e);
    } finally {
      run.received.complete(null);
    }
  }

  private static void fail(LayerRun run, Throwable failure) {
    run.started.completeExceptionally(failure);
    run.downloaded.completeExceptionally(failure);
  }

  private Void extract(LayerRun run) throws IOException, InterruptedException, ExecutionException {
    Layer layer = run.layer;
    Digest digest = layer.blob().digest();
    if (!strategy.streaming()) {
      run.downloaded.get(); // the standard engines extract only verified blobs
    }
    MediaType.Compression compression = MediaType.layerCompression(layer.blob().mediaType());
    Decompressor decompressor =
        strategy.fastestInflater()
            ? Decompressors.fastest(compression)
            : Decompressors.standard(compression);
    while (true) {
      GrowingFile source = run.started.next();
      try (SnapshotStaging staging = store.snapshots().stage(layer.diffId())) {
        if (store.snapshots().contains(layer.diffId())) {
          return null; // another pull committed it while this one waited for the key
        }
        listener.onEvent(new PullEvent.Extracting(digest));
        LayerUnpacker.Unpacked unpacked;
        try (InputStream compressed = source.openReader()) {
          CountingInputStream counted = new CountingInputStream(compressed);
          unpacked =
              unpacker.unpack(
                  layer.diffId(), counted, decompressor, staging.diff(), counted::count);
        } catch (IOException | RuntimeException e) {
          if (source.awaitSettled()) {
            continue; // wrong bytes from a peer: the staging is deleted, extract the new file
          }
          if (e instanceof IOException io) {
            throw diskFull(io) ? outOfSpace(layer, io) : LayerPullException.of(digest, io);
          }
          throw e;
        }
        run.downloaded.get(); // never commit a snapshot of an unverified blob
        if (source.superseded()) {
          continue; // extracted from bytes that failed verification: throw that away
        }
        LayerChanges changes = unpacked.report().changes();
        changes.writeTo(staging.directory().resolve(LayerChanges.FILE_NAME));
        staging.commit();
        listener.onEvent(
            new PullEvent.Done(digest, layer.blob().size(), unpacked.uncompressedSize()));
      }
      return null;
    }
  }

  private static boolean diskFull(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InsufficientSpaceException
          || String.valueOf(t.getMessage()).contains("No space left on device")) {
        return true;
      }
    }
    return false;
  }

  /** The disk filled up while extracting: name the layer and what it needs at least. */
  private IOException outOfSpace(Layer layer, IOException cause) throws IOException {
    long needed = layer.blob().size() * EXPANSION_ESTIMATE;
    long usable = store.root().toFile().getUsableSpace();
    return new InsufficientSpaceException(
        "extracting layer "
            + layer.blob().digest()
            + " (the disk filled up; it needs at least the estimate)",
        needed,
        usable,
        cause);
  }

  private static IOException unwrap(ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof ExecutionException nested) {
      cause = nested.getCause();
    }
    if (cause instanceof IOException io) {
      return io;
    }
    if (cause instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new IOException(cause);
  }
}
