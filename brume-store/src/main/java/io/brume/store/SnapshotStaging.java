package io.brume.store;

import io.brume.oci.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A snapshot being built in {@code staging/<alg>-<hex>-<nonce>/}: extract the layer into {@link
 * #diff()}, write metadata files into {@link #directory()}, then {@link #commit()}. Commit syncs
 * the tree, writes the {@code complete} marker and renames the directory into {@code snapshots/}; a
 * process killed at any point before leaves only a staging directory, which is never read and is
 * deleted when the store is next opened. Closing without committing deletes the staging directory.
 */
public final class SnapshotStaging implements AutoCloseable {
  private final Digest diffId;
  private final Path directory;
  private final Path target;
  private final KeyedLocks.Held keyLock;
  private final Lease lease;
  private boolean finished;

  SnapshotStaging(Digest diffId, Path directory, Path target, KeyedLocks.Held keyLock, Lease lease)
      throws IOException {
    this.diffId = diffId;
    this.directory = directory;
    this.target = target;
    this.keyLock = keyLock;
    this.lease = lease;
    Files.createDirectories(diff());
  }

  /** The layer's diff_id. */
  public Digest diffId() {
    return diffId;
  }

  /** The empty directory to extract the layer into. */
  public Path diff() {
    return directory.resolve(Snapshot.DIFF);
  }

  /** Where metadata files go (next to {@link #diff()}). */
  public Path directory() {
    return directory;
  }

  /**
   * Makes the snapshot durable and visible atomically. If another process committed the same
   * snapshot meanwhile, this one is dropped and the existing one returned.
   */
  public Snapshot commit() throws IOException {
    if (finished) {
      throw new IllegalStateException("snapshot staging for " + diffId + " already finished");
    }
    try {
      Durable.syncTree(directory);
      Durable.write(
          directory.resolve(Snapshot.COMPLETE), diffId.toString().getBytes(StandardCharsets.UTF_8));
      Files.createDirectories(target.getParent());
      if (Files.exists(target.resolve(Snapshot.COMPLETE), LinkOption.NOFOLLOW_LINKS)) {
        Durable.deleteTree(directory);
      } else {
        // An incomplete directory in the final place can only be damage; replace it.
        Durable.deleteTree(target);
        Durable.rename(directory, target);
      }
      return new Snapshot(diffId, target);
    } catch (IOException | RuntimeException e) {
      // A commit that fails (an interrupted fsync, a full disk) must not leave its staging
      // directory behind for the rest of the process: close() would find it finished.
      try {
        Durable.deleteTree(directory);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    } finally {
      release();
    }
  }

  /** Abandons the snapshot unless it was committed. */
  @Override
  public void close() throws IOException {
    if (finished) {
      return;
    }
    try {
      Durable.deleteTree(directory);
    } finally {
      release();
    }
  }

  private void release() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    try {
      keyLock.close();
    } finally {
      lease.close();
    }
  }
}
