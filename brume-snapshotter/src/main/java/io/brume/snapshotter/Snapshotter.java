package io.brume.snapshotter;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import io.brume.store.Durable;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * containerd's snapshotter semantics over overlayfs, the same on-disk layout as containerd's own
 * overlayfs snapshotter:
 *
 * <pre>
 * metadata.db               snapshot metadata (SQLite, see {@link MetadataStore})
 * snapshots/&lt;id&gt;/fs         the snapshot's tree (an overlay upperdir / lowerdir)
 * snapshots/&lt;id&gt;/work       overlay's workdir
 * staging/                  directories being built; deleted on start
 * store/                    brume's content store, used by remote pulls as their staging area
 * </pre>
 *
 * <p>Ids are short integers so that the {@code lowerdir} option of a deep image fits in one page.
 * Directories are created before and deleted after their metadata transaction, so a crash leaves at
 * most a directory without metadata, which {@link #cleanup()} (run on open) deletes.
 */
public final class Snapshotter implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Snapshotter.class.getName());

  /** The label containerd's unpacker sets to the chain ID a Prepare should produce. */
  public static final String SNAPSHOT_REF = "containerd.io/snapshot.ref";

  private final Path root;
  private final Path snapshots;
  private final Path staging;
  private final MetadataStore metadata;
  private final Clock clock;
  private volatile @Nullable RemoteLayers remote;

  private Snapshotter(Path root, MetadataStore metadata, Clock clock) throws IOException {
    this.root = root;
    this.snapshots = Files.createDirectories(root.resolve("snapshots"));
    this.staging = Files.createDirectories(root.resolve("staging"));
    this.metadata = metadata;
    this.clock = clock;
  }

  /** Opens the snapshotter rooted at {@code root} and removes what a crash left behind. */
  public static Snapshotter open(Path root, Clock clock) throws IOException {
    Path real = Files.createDirectories(root).toRealPath();
    Snapshotter snapshotter =
        new Snapshotter(real, MetadataStore.open(real.resolve("metadata.db")), clock);
    snapshotter.cleanup();
    return snapshotter;
  }

  /** Lets Prepare with CRI labels supply layers itself (the remote-snapshot path). */
  public void enableRemote(RemoteLayers layers) {
    this.remote = layers;
  }

  /** The root directory. */
  public Path root() {
    return root;
  }

  /**
   * An active snapshot on top of committed {@code parent} (or empty). With a {@link #SNAPSHOT_REF}
   * label and remote layers enabled, first tries to supply the target layer (and the image's later
   * layers) itself and then fails with ALREADY_EXISTS, as containerd's unpacker expects.
   */
  public List<Mount> prepare(String key, String parent, Map<String, String> labels)
      throws IOException, InterruptedException {
    String target = labels.get(SNAPSHOT_REF);
    RemoteLayers layers = remote;
    if (target != null && layers != null) {
      if (committedWith(target, parent).isPresent() || layers.supply(this, parent, labels)) {
        throw SnapshotException.alreadyExists("target snapshot " + target);
      }
    }
    return create(Kind.ACTIVE, key, parent, labels);
  }

  /** A read-only view of committed {@code parent}. */
  public List<Mount> view(String key, String parent, Map<String, String> labels)
      throws IOException {
    return create(Kind.VIEW, key, parent, labels);
  }

  private List<Mount> create(Kind kind, String key, String parent, Map<String, String> labels)
      throws IOException {
    if (key.isEmpty()) {
      throw new SnapshotException(SnapshotException.Reason.INVALID_ARGUMENT, "empty snapshot key");
    }
    Path[] created = new Path[1];
    try {
      return metadata.transaction(
          tx -> {
            if (!parent.isEmpty()) {
              MetadataStore.Stored p = tx.get(parent);
              if (p.info().kind() != Kind.COMMITTED) {
                throw new SnapshotException(
                    SnapshotException.Reason.FAILED_PRECONDITION,
                    "parent " + parent + " is not committed");
              }
            }
            long id = tx.insert(key, parent, kind, labels, clock.instant());
            Path directory = directory(id);
            Durable.deleteTree(directory); // an orphan of an earlier crash with a reused id
            created[0] = directory;
            Files.createDirectories(directory.resolve("fs"));
            Files.createDirectories(directory.resolve("work"));
            Durable.syncDirectory(snapshots);
            return mounts(tx, tx.get(key));
          });
    } catch (IOException | RuntimeException e) {
      if (created[0] != null) {
        Durable.deleteTree(created[0]);
      }
      throw e;
    }
  }

  /** The mounts of an active snapshot or view. */
  public List<Mount> mounts(String key) throws IOException {
    return metadata.transaction(tx -> mounts(tx, tx.get(key)));
  }

  private List<Mount> mounts(MetadataStore.Tx tx, MetadataStore.Stored stored)
      throws java.sql.SQLException {
    List<Long> parents = parentIds(tx, stored.info().parent());
    Kind kind = stored.info().kind();
    Path own = directory(stored.id());
    if (parents.isEmpty()) {
      String access = kind == Kind.ACTIVE ? "rw" : "ro";
      return List.of(new Mount("bind", own.resolve("fs").toString(), List.of(access, "rbind")));
    }
    if (kind != Kind.ACTIVE && parents.size() == 1) {
      return List.of(
          new Mount(
              "bind", directory(parents.get(0)).resolve("fs").toString(), List.of("ro", "rbind")));
    }
    List<String> lower = new ArrayList<>();
    for (long id : parents) {
      lower.add(directory(id).resolve("fs").toString());
    }
    List<String> options = new ArrayList<>();
    if (kind == Kind.ACTIVE) {
      options.add("workdir=" + own.resolve("work"));
      options.add("upperdir=" + own.resolve("fs"));
    }
    options.add("lowerdir=" + String.join(":", lower));
    return List.of(new Mount("overlay", "overlay", options));
  }

  /** Directory ids of {@code parent} and its ancestors, the immediate parent first. */
  private List<Long> parentIds(MetadataStore.Tx tx, String parent) throws java.sql.SQLException {
    List<Long> ids = new ArrayList<>();
    for (String name = parent; !name.isEmpty(); ) {
      MetadataStore.Stored p = tx.get(name);
      ids.add(p.id());
      name = p.info().parent();
    }
    return ids;
  }

  /** Commits active snapshot {@code key} as {@code name}. */
  public void commit(String name, String key, Map<String, String> labels) throws IOException {
    MetadataStore.Stored active = metadata.transaction(tx -> tx.get(key));
    if (active.info().kind() != Kind.ACTIVE) {
      throw new SnapshotException(
          SnapshotException.Reason.FAILED_PRECONDITION, "snapshot " + key + " is not active");
    }
    Path fs = directory(active.id()).resolve("fs");
    Usage usage = Usage.of(fs);
    Durable.syncTree(fs);
    metadata.update(
        tx -> {
          MetadataStore.Stored again = tx.get(key);
          if (again.id() != active.id() || again.info().kind() != Kind.ACTIVE) {
            throw new SnapshotException(
                SnapshotException.Reason.FAILED_PRECONDITION,
                "snapshot " + key + " changed while committing");
          }
          tx.commit(active.id(), name, labels, usage.size(), usage.inodes(), clock.instant());
        });
  }

  /** Removes a snapshot that has no children. */
  public void remove(String key) throws IOException {
    long id =
        metadata.transaction(
            tx -> {
              MetadataStore.Stored stored = tx.get(key);
              if (tx.hasChildren(key)) {
                throw new SnapshotException(
                    SnapshotException.Reason.FAILED_PRECONDITION,
                    "snapshot " + key + " has children");
              }
              tx.delete(stored.id());
              return stored.id();
            });
    deleteDirectory(id);
  }

  /** What containerd knows of {@code key}. */
  public SnapshotInfo stat(String key) throws IOException {
    return metadata.transaction(tx -> tx.get(key).info());
  }

  /**
   * Updates labels only (the one mutable field): {@code fieldPaths} empty replaces all labels,
   * {@code labels} replaces them too, {@code labels.KEY} sets or removes one.
   */
  public SnapshotInfo update(SnapshotInfo info, List<String> fieldPaths) throws IOException {
    return metadata.transaction(
        tx -> {
          MetadataStore.Stored stored = tx.get(info.name());
          Map<String, String> labels = new HashMap<>(stored.info().labels());
          if (fieldPaths.isEmpty() || fieldPaths.contains("labels")) {
            labels = new HashMap<>(info.labels());
          } else {
            for (String path : fieldPaths) {
              if (!path.startsWith("labels.")) {
                throw new SnapshotException(
                    SnapshotException.Reason.INVALID_ARGUMENT,
                    "cannot update " + path + " of snapshot " + info.name());
              }
              String label = path.substring("labels.".length());
              String value = info.labels().get(label);
              if (value == null) {
                labels.remove(label);
              } else {
                labels.put(label, value);
              }
            }
          }
          tx.setLabels(stored.id(), labels, clock.instant());
          return tx.get(info.name()).info();
        });
  }

  /** Every snapshot matched by {@code filters} (containerd's filter syntax; none: all). */
  public List<SnapshotInfo> list(List<String> filters) throws IOException {
    Predicate<SnapshotInfo> selected = Filters.parse(filters);
    return metadata.transaction(
        tx -> tx.list().stream().map(MetadataStore.Stored::info).filter(selected).toList());
  }

  /** Disk usage: measured now for active snapshots, recorded at commit for committed ones. */
  public Usage usage(String key) throws IOException {
    MetadataStore.Stored stored = metadata.transaction(tx -> tx.get(key));
    if (stored.info().kind() == Kind.ACTIVE) {
      return Usage.of(directory(stored.id()).resolve("fs"));
    }
    return new Usage(stored.size(), stored.inodes());
  }

  /** Deletes directories without metadata: what a crash or an interrupted remove left. */
  public void cleanup() throws IOException {
    Set<Long> known = metadata.transaction(tx -> new HashSet<>(tx.ids()));
    try (var directories = Files.list(snapshots)) {
      for (Path directory : directories.toList()) {
        String name = directory.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit) || !known.contains(Long.parseLong(name))) {
          LOG.log(System.Logger.Level.INFO, "removing orphan snapshot directory {0}", directory);
          Durable.deleteTree(directory);
        }
      }
    }
    try (var leftovers = Files.list(staging)) {
      for (Path leftover : leftovers.toList()) {
        Durable.deleteTree(leftover);
      }
    }
  }

  @Override
  public void close() throws IOException {
    metadata.close();
  }

  // ---- for the remote-snapshot path ----

  /** The committed snapshot carrying target label {@code target} on top of {@code parent}. */
  Optional<SnapshotInfo> committedWith(String target, String parent) throws IOException {
    return metadata.transaction(
        tx ->
            tx.list().stream()
                .map(MetadataStore.Stored::info)
                .filter(i -> i.kind() == Kind.COMMITTED)
                .filter(i -> target.equals(i.labels().get(SNAPSHOT_REF)))
                .filter(i -> parent.equals(i.parent()))
                .findFirst());
  }

  /** Whether a snapshot of any kind is called {@code name}. */
  boolean exists(String name) throws IOException {
    return metadata.transaction(tx -> tx.find(name).isPresent());
  }

  /** The {@code fs} directories of {@code parent} and its ancestors, top layer first. */
  List<Path> lowerDirs(String parent) throws IOException {
    List<Long> ids = metadata.transaction(tx -> parentIds(tx, parent));
    return ids.stream().map(id -> directory(id).resolve("fs")).toList();
  }

  /** A fresh directory under {@code staging/}, deleted on the next start if left there. */
  Path newStagingDirectory() throws IOException {
    return Files.createDirectories(staging.resolve(UUID.randomUUID().toString()));
  }

  /** A committed snapshot built in a staging directory (with {@code fs/} inside). */
  record Prepared(String name, String parent, Map<String, String> labels, Path staged) {}

  /**
   * Commits snapshots built outside, all in one transaction: each staged directory is synced and
   * moved into {@code snapshots/<id>} before the transaction commits, so either every one is there
   * with its metadata or none is (orphans are cleaned on start).
   */
  void commitAll(List<Prepared> prepared) throws IOException {
    List<Usage> usages = new ArrayList<>();
    for (Prepared p : prepared) {
      Files.createDirectories(p.staged().resolve("work"));
      usages.add(Usage.of(p.staged().resolve("fs")));
    }
    // One syncfs covers every staged tree (they share the root's file system); per-file fsync
    // only where syncfs is unavailable.
    Durable.syncTree(staging);
    List<Path> moved = new ArrayList<>();
    try {
      metadata.update(
          tx -> {
            for (int i = 0; i < prepared.size(); i++) {
              Prepared p = prepared.get(i);
              long id =
                  tx.insert(p.name(), p.parent(), Kind.COMMITTED, p.labels(), clock.instant());
              tx.commit(
                  id,
                  p.name(),
                  p.labels(),
                  usages.get(i).size(),
                  usages.get(i).inodes(),
                  clock.instant());
              Path target = directory(id);
              Durable.deleteTree(target);
              Files.move(p.staged(), target, StandardCopyOption.ATOMIC_MOVE);
              moved.add(target);
            }
            Durable.syncDirectory(snapshots);
          });
    } catch (IOException | RuntimeException e) {
      for (Path target : moved) {
        Durable.deleteTree(target);
      }
      throw e;
    }
  }

  private Path directory(long id) {
    return snapshots.resolve(Long.toString(id));
  }

  /** Moves the directory out of {@code snapshots/} first, so a half-deleted tree is never used. */
  private void deleteDirectory(long id) throws IOException {
    Path directory = directory(id);
    if (!Files.exists(directory, NOFOLLOW_LINKS)) {
      return;
    }
    Path trash = staging.resolve("removed-" + id + "-" + UUID.randomUUID());
    Files.move(directory, trash, StandardCopyOption.ATOMIC_MOVE);
    Durable.deleteTree(trash);
  }

  /** Bytes and inodes of a tree, hard links counted once (containerd's fs.DiskUsage). */
  public record Usage(long size, long inodes) {
    static Usage of(Path tree) throws IOException {
      Set<Object> seen = new HashSet<>();
      long[] totals = new long[2];
      Files.walkFileTree(
          tree,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
              count(attributes);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
              count(attributes);
              return FileVisitResult.CONTINUE;
            }

            private void count(BasicFileAttributes attributes) {
              Object key = attributes.fileKey();
              if (key == null || seen.add(key)) {
                totals[0] += attributes.size();
                totals[1]++;
              }
            }
          });
      return new Usage(totals[0], totals[1]);
    }
  }
}
