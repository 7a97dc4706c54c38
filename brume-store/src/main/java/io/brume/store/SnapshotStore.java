package io.brume.store;

import io.brume.oci.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Per-layer snapshots keyed by diff_id. A snapshot exists only when its directory is in {@code
 * snapshots/<alg>/<hex>/} and carries the {@code complete} marker; everything else is ignored and
 * collected.
 */
public final class SnapshotStore {
  private final Path snapshots;
  private final Path staging;
  private final KeyedLocks locks;
  private final StoreLock storeLock;

  SnapshotStore(Path root, KeyedLocks locks, StoreLock storeLock) throws IOException {
    this.snapshots = Files.createDirectories(root.resolve("snapshots"));
    this.staging = Files.createDirectories(root.resolve("staging"));
    this.locks = locks;
    this.storeLock = storeLock;
  }

  /** Whether a complete snapshot exists. */
  public boolean contains(Digest diffId) {
    return Files.exists(directory(diffId).resolve(Snapshot.COMPLETE), LinkOption.NOFOLLOW_LINKS);
  }

  /** The complete snapshot, if any. */
  public Optional<Snapshot> find(Digest diffId) {
    return contains(diffId)
        ? Optional.of(new Snapshot(diffId, directory(diffId)))
        : Optional.empty();
  }

  /**
   * Starts building a snapshot. Blocks while another thread or process builds the same one; callers
   * should check {@link #contains} again after this returns.
   */
  public SnapshotStaging stage(Digest diffId) throws IOException {
    Lease lease = storeLock.shared();
    KeyedLocks.Held lock = null;
    try {
      lock = locks.acquire(lockKey(diffId));
      Path directory =
          staging.resolve(diffId.algorithm() + "-" + diffId.encoded() + "-" + UUID.randomUUID());
      return new SnapshotStaging(diffId, directory, directory(diffId), lock, lease);
    } catch (IOException | RuntimeException e) {
      if (lock != null) {
        lock.close();
      }
      lease.close();
      throw e;
    }
  }

  /** Every complete snapshot. */
  public List<Snapshot> list() throws IOException {
    List<Snapshot> complete = new ArrayList<>();
    for (Digest diffId : allKeys()) {
      find(diffId).ifPresent(complete::add);
    }
    return complete;
  }

  /** Keys of every directory under {@code snapshots/}, complete or not. */
  List<Digest> allKeys() throws IOException {
    List<Digest> keys = new ArrayList<>();
    try (var algorithms = Files.list(snapshots)) {
      for (Path algorithm : algorithms.toList()) {
        try (var directories = Files.list(algorithm)) {
          for (Path directory : directories.toList()) {
            keys.add(
                new Digest(algorithm.getFileName().toString(), directory.getFileName().toString()));
          }
        }
      }
    }
    return keys;
  }

  /** Deletes staging directories nobody is working on (left by a killed process). */
  List<Path> cleanStale() throws IOException {
    List<Path> removed = new ArrayList<>();
    try (var directories = Files.list(staging)) {
      for (Path directory : directories.toList()) {
        String name = directory.getFileName().toString();
        int nonce = name.length() - UUID.randomUUID().toString().length() - 1;
        String key = nonce > 0 ? "snapshot-" + name.substring(0, nonce) : name;
        try (KeyedLocks.Held held = locks.tryAcquire(key)) {
          if (held != null) {
            Durable.deleteTree(directory);
            removed.add(directory);
          }
        }
      }
    }
    return removed;
  }

  long delete(Digest diffId) throws IOException {
    return Durable.deleteTree(directory(diffId));
  }

  private Path directory(Digest diffId) {
    return snapshots.resolve(diffId.algorithm()).resolve(diffId.encoded());
  }

  static String lockKey(Digest diffId) {
    return "snapshot-" + diffId.algorithm() + "-" + diffId.encoded();
  }
}
