package io.brume.store;

import io.brume.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Blobs by digest: {@code blobs/<alg>/<hex>}, present only once verified. New content goes through
 * {@link #ingest}, which resumes partial content left by an earlier attempt.
 */
public final class BlobStore {
  private final Path blobs;
  private final Path ingests;
  private final KeyedLocks locks;
  private final StoreLock storeLock;

  BlobStore(Path root, KeyedLocks locks, StoreLock storeLock) throws IOException {
    this.blobs = Files.createDirectories(root.resolve("blobs"));
    this.ingests = Files.createDirectories(root.resolve("ingest"));
    this.locks = locks;
    this.storeLock = storeLock;
  }

  /** Whether the verified blob is present. */
  public boolean contains(Digest digest) {
    return Files.isRegularFile(path(digest));
  }

  /** Where the blob lives (whether or not it is present). */
  public Path path(Digest digest) {
    return blobs.resolve(digest.algorithm()).resolve(digest.encoded());
  }

  /** Opens a present blob. */
  public InputStream open(Digest digest) throws IOException {
    try {
      return Files.newInputStream(path(digest));
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(
          path(digest).toString(), null, "blob " + digest + " not in store");
    }
  }

  /** Size of a present blob. */
  public long size(Digest digest) throws IOException {
    return Files.size(path(digest));
  }

  /** Bytes of partial content kept for {@code digest} (0 if none). */
  public long partialSize(Digest digest) throws IOException {
    Path file = ingestPath(digest);
    return Files.exists(file) ? Files.size(file) : 0;
  }

  /**
   * When the partial download of {@code digest} was last written to, in any process: a node that is
   * fetching from its registry right now has a recent time here (peers use it to wait for it rather
   * than fetch the same layer again). Empty when there are no partial downloads.
   */
  public Optional<Instant> lastIngestWrite(Digest digest) throws IOException {
    Path file = ingestPath(digest);
    try {
      // An empty file is a writer that opened the blob and has not received a byte yet (it may be
      // asking its peers): nothing is being fetched.
      if (Files.size(file) == 0) {
        return Optional.empty();
      }
      return Optional.of(Files.getLastModifiedTime(file).toInstant());
    } catch (NoSuchFileException e) {
      return Optional.empty(); // never started, committed or discarded
    }
  }

  /** As {@link #lastIngestWrite(Digest)}, for any partial download. */
  public Optional<Instant> lastIngestWrite() throws IOException {
    Optional<Instant> latest = Optional.empty();
    try (var files = Files.list(ingests)) {
      for (Path file : files.toList()) {
        try {
          if (Files.size(file) == 0) {
            continue; // opened, not written to yet
          }
          Instant modified = Files.getLastModifiedTime(file).toInstant();
          if (latest.isEmpty() || modified.isAfter(latest.get())) {
            latest = Optional.of(modified);
          }
        } catch (NoSuchFileException e) {
          // committed or discarded while listing
        }
      }
    }
    return latest;
  }

  /**
   * Starts or resumes writing a blob. Blocks while another thread or process writes the same blob;
   * callers should check {@link #contains} again after this returns.
   *
   * @param size the size the descriptor declares
   */
  public BlobWriter ingest(Digest digest, long size) throws IOException {
    if (size < 0) {
      throw new IllegalArgumentException("blob " + digest + " has negative size " + size);
    }
    Lease lease = storeLock.shared();
    KeyedLocks.Held lock = null;
    try {
      lock = locks.acquire(lockKey(digest));
      return new BlobWriter(digest, size, ingestPath(digest), path(digest), lock, lease);
    } catch (IOException | RuntimeException e) {
      if (lock != null) {
        lock.close();
      }
      lease.close();
      throw e;
    }
  }

  /** Every present blob. */
  public List<Digest> list() throws IOException {
    List<Digest> digests = new ArrayList<>();
    try (var algorithms = Files.list(blobs)) {
      for (Path algorithm : algorithms.toList()) {
        try (var files = Files.list(algorithm)) {
          for (Path file : files.toList()) {
            digests.add(
                new Digest(algorithm.getFileName().toString(), file.getFileName().toString()));
          }
        }
      }
    }
    return digests;
  }

  /** Removes a blob; returns the bytes freed. */
  long delete(Digest digest) throws IOException {
    Path file = path(digest);
    long size = Files.exists(file) ? Files.size(file) : 0;
    return Files.deleteIfExists(file) ? size : 0;
  }

  Path ingestDirectory() {
    return ingests;
  }

  Path ingestPath(Digest digest) {
    return ingests.resolve(digest.algorithm() + "-" + digest.encoded());
  }

  static String lockKey(Digest digest) {
    return "blob-" + digest.algorithm() + "-" + digest.encoded();
  }
}
