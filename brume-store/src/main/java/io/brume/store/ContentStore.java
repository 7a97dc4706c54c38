package io.brume.store;

import io.brume.oci.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * brume's local store, rooted at one directory:
 *
 * <pre>
 * blobs/&lt;alg&gt;/&lt;hex&gt;          verified blobs (manifests, configs, compressed layers)
 * ingest/&lt;alg&gt;-&lt;hex&gt;         partial downloads, resumed at their length
 * snapshots/&lt;alg&gt;/&lt;hex&gt;/     per-layer diffs keyed by diff_id, with a "complete" marker
 * staging/                 snapshots being built; never read, stale ones deleted on open
 * images/                  image records by reference
 * locks/, store.lock       cross-process locks
 * </pre>
 *
 * <p>Lifecycle: {@link #open} cleans what killed processes left in {@code staging/}. A pull holds a
 * {@link #lease()} from its first blob until its {@link ImageRecord} is written, so that {@link
 * #gc()} (which waits for all leases, in every process) never sweeps content that is about to be
 * referenced. Never call {@link #gc()} from a thread that holds a lease.
 */
public final class ContentStore implements AutoCloseable {
  private final Path root;
  private final StoreLock storeLock;
  private final KeyedLocks locks;
  private final BlobStore blobs;
  private final SnapshotStore snapshots;
  private final ImageStore images;

  private ContentStore(Path root) throws IOException {
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new NotDirectoryException(root.toString());
    }
    this.root = Files.createDirectories(root).toRealPath();
    this.locks = KeyedLocks.ofStore(this.root);
    this.storeLock = StoreLock.forFile(this.root.resolve("store.lock"));
    this.blobs = new BlobStore(this.root, locks, storeLock);
    this.snapshots = new SnapshotStore(this.root, locks, storeLock);
    this.images = ImageStore.openWritable(this.root);
    snapshots.cleanStale();
  }

  /** Opens (creating if needed) the store at {@code root}. */
  public static ContentStore open(Path root) throws IOException {
    return new ContentStore(root);
  }

  /** {@code $XDG_DATA_HOME/brume}, else {@code ~/.local/share/brume}. */
  public static Path defaultRoot(Map<String, String> environment, Path home) {
    String xdg = environment.get("XDG_DATA_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "brume");
    }
    return home.resolve(".local/share/brume");
  }

  /** The store's directory. */
  public Path root() {
    return root;
  }

  /** Verified blobs and resumable ingests. */
  public BlobStore blobs() {
    return blobs;
  }

  /** Per-layer snapshots. */
  public SnapshotStore snapshots() {
    return snapshots;
  }

  /** Image records. */
  public ImageStore images() {
    return images;
  }

  /** Holds off gc until closed; see the class documentation. */
  public Lease lease() throws IOException {
    return storeLock.shared();
  }

  /**
   * Fails with an error naming {@code what} when the store's file system has less than {@code
   * bytes} usable.
   */
  public void requireSpace(String what, long bytes) throws IOException {
    long usable = Files.getFileStore(root).getUsableSpace();
    if (usable < bytes) {
      throw new InsufficientSpaceException(what, bytes, usable, null);
    }
  }

  /**
   * Deletes blobs and snapshots no image record references, incomplete snapshots, partial ingests,
   * stale staging directories and temporary image records of killed writers. Waits until no lease
   * is held anywhere.
   */
  public GcResult gc() throws IOException {
    return gcWhenFree(() -> {});
  }

  /**
   * As {@link #gc()}, calling {@code beforeWaiting} first when a pull or another writer holds the
   * store, so that a command can say why it waits.
   */
  @SuppressWarnings("try") // the lease is held for the duration of the block, never read
  public GcResult gcWhenFree(Runnable beforeWaiting) throws IOException {
    try (Lease exclusive = storeLock.exclusive(beforeWaiting)) {
      Set<Digest> liveBlobs = new HashSet<>();
      Set<Digest> liveSnapshots = new HashSet<>();
      for (ImageRecord record : images.list()) {
        liveBlobs.add(record.manifestDigest());
        liveBlobs.add(record.configDigest());
        liveBlobs.addAll(record.layers());
        liveSnapshots.addAll(record.diffIds());
      }
      long freed = 0;
      List<Digest> deadBlobs = new ArrayList<>();
      for (Digest blob : blobs.list()) {
        if (!liveBlobs.contains(blob)) {
          freed += blobs.delete(blob);
          deadBlobs.add(blob);
        }
      }
      List<Digest> deadSnapshots = new ArrayList<>();
      for (Digest key : snapshots.allKeys()) {
        if (!liveSnapshots.contains(key) || !snapshots.contains(key)) {
          freed += snapshots.delete(key);
          deadSnapshots.add(key);
        }
      }
      List<String> partials = new ArrayList<>();
      try (var ingests = Files.list(blobs.ingestDirectory())) {
        for (Path ingest : ingests.toList()) {
          freed += Files.size(ingest);
          Files.delete(ingest);
          partials.add("ingest/" + ingest.getFileName());
        }
      }
      for (Path staging : snapshots.cleanStale()) {
        partials.add("staging/" + staging.getFileName());
      }
      for (Path temporary : images.deleteTemporaries()) {
        partials.add("images/" + temporary.getFileName());
      }
      return new GcResult(deadBlobs, deadSnapshots, partials, freed);
    }
  }

  /** Nothing to release today (locks belong to writers and leases); kept for future resources. */
  @Override
  public void close() {}
}
