package io.brume.unpack;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Assembles a rootfs by applying layers in order, with umoci's semantics: a layer's whiteouts and
 * opaque whiteouts remove what the lower layers put there (never what the layer itself adds), an
 * entry replaces whatever was at its path unless both are directories, and every path is resolved
 * inside the rootfs.
 *
 * <p>Layers come either as diffs produced by {@link LayerExtractor} (with their {@link
 * LayerChanges}) or directly as tar streams.
 */
public final class LayerApplier {
  private final ExtractionLimits limits;

  /** An applier with the given bounds (they apply to tar streams and to copied diff content). */
  public LayerApplier(ExtractionLimits limits) {
    this.limits = limits;
  }

  /** An applier with {@link ExtractionLimits#defaults()}. */
  public LayerApplier() {
    this(ExtractionLimits.defaults());
  }

  /**
   * Applies one layer diff on top of what {@code rootfs} holds: first the whiteouts and opaque
   * whiteouts against the lower layers, then the diff's objects, then hard links into lower layers.
   */
  public ExtractionReport applyDiff(Path diffDir, LayerChanges changes, Path rootfs)
      throws IOException {
    ExpansionBudget budget = new ExpansionBudget(limits, null);
    RootWriter writer = new RootWriter(rootfs, RootWriter.Whiteouts.APPLY, budget);
    for (String dir : changes.opaqueDirs()) {
      writer.opaque(dir, dir + "/.wh..wh..opq");
    }
    for (String whiteout : changes.whiteouts()) {
      writer.whiteout(EntryName.parent(whiteout), EntryName.base(whiteout), whiteout);
    }
    new DiffWalk(diffDir, new HashSet<>(changes.implicitDirs()), writer, budget).walk("");
    for (LayerChanges.LowerLink link : changes.lowerLinks()) {
      writer.write(DiffWalk.hardLink(link.path(), link.target()), InputStream.nullInputStream());
    }
    return writer.finish();
  }

  /** Applies one layer's uncompressed tar stream directly onto {@code rootfs}. */
  public ExtractionReport applyTar(
      InputStream tar, Path rootfs, @Nullable LongSupplier compressedBytesRead) throws IOException {
    ExpansionBudget budget = new ExpansionBudget(limits, compressedBytesRead);
    RootWriter writer = new RootWriter(rootfs, RootWriter.Whiteouts.APPLY, budget);
    return TarLayerReader.read(tar, writer, budget);
  }

  /** Replays a diff directory as entries, parents before children, names sorted. */
  private static final class DiffWalk {
    private final Path diffDir;
    private final Set<String> implicitDirs;
    private final RootWriter writer;
    private final ExpansionBudget budget;
    private final Map<Long, String> firstPathOfInode = new HashMap<>();

    DiffWalk(Path diffDir, Set<String> implicitDirs, RootWriter writer, ExpansionBudget budget) {
      this.diffDir = diffDir;
      this.implicitDirs = implicitDirs;
      this.writer = writer;
      this.budget = budget;
    }

    void walk(String relative) throws IOException {
      Path path = relative.isEmpty() ? diffDir : diffDir.resolve(relative);
      Map<String, Object> unix = Files.readAttributes(path, "unix:*", NOFOLLOW_LINKS);
      int mode = (int) Objects.requireNonNull(unix.get("mode"));
      EntryKind kind = kindOf(mode & Modes.S_IFMT);
      if (kind == null) {
        writer.skipped(relative + ": sockets are not reproduced");
        return;
      }
      budget.onEntry(relative);
      if (kind != EntryKind.DIRECTORY || !implicitDirs.contains(relative)) {
        write(relative, path, kind, mode, unix);
      }
      if (kind == EntryKind.DIRECTORY) {
        List<String> children;
        try (var stream = Files.list(path)) {
          children = stream.map(child -> child.getFileName().toString()).sorted().toList();
        }
        for (String child : children) {
          walk(EntryName.join(relative, child));
        }
      }
    }

    private void write(
        String relative, Path path, EntryKind kind, int mode, Map<String, Object> unix)
        throws IOException {
      String linkTarget = "";
      if (kind == EntryKind.SYMLINK) {
        linkTarget = Files.readSymbolicLink(path).toString();
      } else if (kind != EntryKind.DIRECTORY
          && (int) Objects.requireNonNull(unix.get("nlink")) > 1) {
        String first =
            firstPathOfInode.putIfAbsent((Long) Objects.requireNonNull(unix.get("ino")), relative);
        if (first != null) {
          kind = EntryKind.HARDLINK;
          linkTarget = first;
        }
      }
      long rdev = (long) Objects.requireNonNull(unix.get("rdev"));
      Entry entry =
          new Entry(
              relative,
              relative,
              kind,
              mode & 07777,
              (int) Objects.requireNonNull(unix.get("uid")),
              (int) Objects.requireNonNull(unix.get("gid")),
              (FileTime) Objects.requireNonNull(unix.get("lastModifiedTime")),
              (FileTime) Objects.requireNonNull(unix.get("lastAccessTime")),
              linkTarget,
              (long) Objects.requireNonNull(unix.get("size")),
              ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL),
              (rdev & 0xff) | ((rdev >>> 12) & ~0xffL & 0xffffffffL),
              readXattrs(path));
      if (kind == EntryKind.FILE) {
        try (InputStream content = Files.newInputStream(path, NOFOLLOW_LINKS)) {
          writer.write(entry, content);
        }
      } else {
        writer.write(entry, InputStream.nullInputStream());
      }
    }

    private static Map<String, byte[]> readXattrs(Path path) throws IOException {
      Map<String, byte[]> xattrs = new LinkedHashMap<>();
      List<String> names;
      try {
        names = Posix.llistxattr(path);
      } catch (Posix.PosixException e) {
        if (e.errno() == Posix.ENOTSUP) {
          return xattrs;
        }
        throw e;
      }
      for (String name : names) {
        xattrs.put(name, Posix.lgetxattr(path, name));
      }
      return xattrs;
    }

    private static @Nullable EntryKind kindOf(int type) {
      return switch (type) {
        case 0040000 -> EntryKind.DIRECTORY;
        case 0100000 -> EntryKind.FILE;
        case 0120000 -> EntryKind.SYMLINK;
        case Modes.S_IFCHR -> EntryKind.CHAR_DEVICE;
        case Modes.S_IFBLK -> EntryKind.BLOCK_DEVICE;
        case Modes.S_IFIFO -> EntryKind.FIFO;
        default -> null;
      };
    }

    static Entry hardLink(String path, String target) {
      FileTime now = FileTime.fromMillis(0);
      return new Entry(
          path, path, EntryKind.HARDLINK, 0, 0, 0, now, now, target, 0, 0, 0, Map.of());
    }
  }
}
