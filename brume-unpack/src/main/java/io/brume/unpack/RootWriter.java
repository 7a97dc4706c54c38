package io.brume.unpack;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creates entries inside one root, never outside it, with umoci's semantics: an existing object is
 * replaced unless both it and the new entry are directories; parents are resolved inside the root
 * (symlinks expanded scoped to the root) and created when missing; hard links resolve their target
 * the same way. Directory metadata is applied in {@link #finish()}, deepest first, so that creating
 * children does not disturb a directory's mtime and a read-only directory can still be filled;
 * directories this writer only modified get their previous times back.
 *
 * <p>Whiteouts are either recorded (extracting a layer into its own diff) or applied to the lower
 * layers already in the root (assembling a rootfs); opaque whiteouts then spare what this layer
 * itself wrote ("only apply to lower layers").
 */
final class RootWriter {
  /** What to do with whiteout entries. */
  enum Whiteouts {
    RECORD,
    APPLY
  }

  private static final String SELINUX_XATTR = "security.selinux";

  private final ScopedRoot root;
  private final Whiteouts whiteoutMode;
  private final ExpansionBudget budget;
  private final boolean privileged;

  private final List<String> whiteouts = new ArrayList<>();
  private final List<String> opaqueDirs = new ArrayList<>();
  private final List<LayerChanges.LowerLink> lowerLinks = new ArrayList<>();
  private final Set<String> implicitDirs = new LinkedHashSet<>();
  private final List<String> skipped = new ArrayList<>();
  private final List<String> neutralised = new ArrayList<>();

  private final Set<String> upperPaths = new HashSet<>();
  private final Map<String, Entry> explicitDirs = new HashMap<>();
  private final Map<String, FileTime[]> savedTimes = new HashMap<>();
  private boolean ownershipSkipReported;

  RootWriter(Path root, Whiteouts whiteoutMode, ExpansionBudget budget) throws IOException {
    this(root, whiteoutMode, budget, Posix.isRoot());
  }

  /**
   * @param privileged whether to apply ownership and create device nodes (tests pass false to see
   *     the unprivileged behaviour while running as root)
   */
  RootWriter(Path root, Whiteouts whiteoutMode, ExpansionBudget budget, boolean privileged)
      throws IOException {
    this.root = new ScopedRoot(root);
    this.whiteoutMode = whiteoutMode;
    this.budget = budget;
    this.privileged = privileged;
  }

  void neutralised(String description) {
    neutralised.add(description);
  }

  void skipped(String description) {
    skipped.add(description);
  }

  /** A {@code .wh.NAME} entry in directory {@code parent}: NAME is hidden from lower layers. */
  void whiteout(String parent, String name, String rawName) throws IOException {
    Path dir = root.resolve(parent);
    Path target = dir.resolve(name);
    if (whiteoutMode == Whiteouts.RECORD) {
      whiteouts.add(root.relativize(target));
      return;
    }
    if (ScopedRoot.lstat(target) != null) {
      touchDir(dir);
      removeAll(target);
    }
  }

  /** A {@code .wh..wh..opq} entry: the directory's lower-layer contents are hidden. */
  void opaque(String directory, String rawName) throws IOException {
    Path dir = root.resolve(directory);
    if (whiteoutMode == Whiteouts.RECORD) {
      opaqueDirs.add(root.relativize(dir));
      return;
    }
    BasicFileAttributes attributes = ScopedRoot.lstat(dir);
    if (attributes != null && attributes.isDirectory()) {
      purgeLower(dir);
    }
  }

  private void purgeLower(Path dir) throws IOException {
    touchDir(dir);
    List<Path> children;
    try (var stream = Files.list(dir)) {
      children = stream.toList();
    }
    for (Path child : children) {
      if (!upperPaths.contains(root.relativize(child))) {
        removeAll(child);
      } else if (Files.isDirectory(child, NOFOLLOW_LINKS)) {
        purgeLower(child);
      }
    }
  }

  /** Creates one entry; {@code content} supplies a file's bytes. */
  void write(Entry entry, InputStream content) throws IOException {
    if (entry.name().isEmpty()) {
      if (entry.kind() != EntryKind.DIRECTORY) {
        throw new UnsafeEntryException(
            entry.rawName(), "refusing to change the type of the root directory");
      }
      explicitDirs.put("", entry);
      return;
    }
    Path hardLinkTarget = null;
    if (entry.kind() == EntryKind.HARDLINK) {
      hardLinkTarget = hardLinkTarget(entry);
    }
    Path parent = ensureParent(EntryName.parent(entry.name()), entry);
    Path path = parent.resolve(EntryName.base(entry.name()));
    String relative = root.relativize(path);
    if (hardLinkTarget == null && entry.kind() == EntryKind.HARDLINK) {
      if (whiteoutMode == Whiteouts.RECORD) {
        removeIfPresent(path, false);
        lowerLinks.add(new LayerChanges.LowerLink(relative, entry.linkTarget()));
        return;
      }
      throw entryFailure(
          entry, "hard link target \"" + entry.linkTarget() + "\" does not exist in the root");
    }
    if (path.equals(hardLinkTarget)) {
      throw new UnsafeEntryException(entry.rawName(), "hard link to itself");
    }
    removeIfPresent(path, entry.kind() == EntryKind.DIRECTORY);
    switch (entry.kind()) {
      case DIRECTORY -> {
        if (!Files.isDirectory(path, NOFOLLOW_LINKS)) {
          Files.createDirectory(path, PosixFilePermissions.asFileAttribute(Modes.OWNER_ONLY_DIR));
        }
        explicitDirs.put(relative, entry);
      }
      case FILE -> {
        writeFile(path, entry, content);
        applyMetadata(path, entry, false);
      }
      case SYMLINK -> {
        createSymlink(path, entry);
        applyMetadata(path, entry, true);
      }
      case HARDLINK -> Files.createLink(path, hardLinkTarget);
      case CHAR_DEVICE, BLOCK_DEVICE -> {
        if (!privileged) {
          skipped.add(entry.rawName() + ": device node not created (needs root)");
          return;
        }
        int type = entry.kind() == EntryKind.CHAR_DEVICE ? Modes.S_IFCHR : Modes.S_IFBLK;
        Posix.mknod(path, type, entry.mode(), entry.devMajor(), entry.devMinor());
        applyMetadata(path, entry, false);
      }
      case FIFO -> {
        Posix.mkfifo(path, entry.mode());
        applyMetadata(path, entry, false);
      }
    }
    markUpper(relative);
  }

  /**
   * Resolves a hard link's target inside the root without following its last component (a link to a
   * symlink links the symlink itself); null when nothing exists there.
   */
  private Path hardLinkTarget(Entry entry) throws IOException {
    String target = entry.linkTarget();
    if (target.isEmpty()) {
      throw new UnsafeEntryException(entry.rawName(), "hard link to the root directory");
    }
    Path path = root.resolve(EntryName.parent(target)).resolve(EntryName.base(target));
    BasicFileAttributes attributes = ScopedRoot.lstat(path);
    if (attributes == null) {
      return null;
    }
    if (attributes.isDirectory()) {
      throw new UnsafeEntryException(
          entry.rawName(), "hard link to the directory \"" + target + "\"");
    }
    return path;
  }

  /** Resolves the parent directory inside the root and creates missing components. */
  private Path ensureParent(String parent, Entry entry) throws IOException {
    Path resolved = root.resolve(parent);
    Path current = root.root();
    for (Path component : root.root().relativize(resolved)) {
      if (component.toString().isEmpty()) {
        continue;
      }
      Path next = current.resolve(component);
      BasicFileAttributes attributes = ScopedRoot.lstat(next);
      if (attributes == null) {
        touchDir(current);
        Files.createDirectory(next);
        String relative = root.relativize(next);
        implicitDirs.add(relative);
        markUpper(relative);
      } else if (!attributes.isDirectory()) {
        throw entryFailure(
            entry, "cannot create it: parent \"" + root.relativize(next) + "\" is not a directory");
      }
      current = next;
    }
    touchDir(resolved);
    return resolved;
  }

  private static IOException entryFailure(Entry entry, String reason) {
    return new IOException("layer entry \"" + entry.rawName() + "\": " + reason);
  }

  private void removeIfPresent(Path path, boolean keepDirectory) throws IOException {
    BasicFileAttributes existing = ScopedRoot.lstat(path);
    if (existing != null && !(keepDirectory && existing.isDirectory())) {
      removeAll(path);
    }
  }

  private void writeFile(Path path, Entry entry, InputStream content) throws IOException {
    budget.reserve(entry.size(), entry.rawName());
    try (SeekableByteChannel channel =
        Files.newByteChannel(
            path,
            Set.<OpenOption>of(CREATE_NEW, WRITE, NOFOLLOW_LINKS),
            PosixFilePermissions.asFileAttribute(Modes.OWNER_ONLY_FILE))) {
      byte[] buffer = new byte[64 * 1024];
      int read;
      while ((read = content.read(buffer)) > 0) {
        budget.onWritten(read, entry.rawName());
        ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, read);
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      }
    }
  }

  private void createSymlink(Path path, Entry entry) throws IOException {
    try {
      Files.createSymbolicLink(path, path.getFileSystem().getPath(entry.linkTarget()));
    } catch (InvalidPathException e) {
      throw new UnsafeEntryException(
          entry.rawName(), "symlink target is not a valid path: " + e.getMessage());
    }
  }

  private void applyMetadata(Path path, Entry entry, boolean symlink) throws IOException {
    // Ownership first: chown clears setuid/setgid bits, so the mode comes after it (as in umoci).
    applyOwnership(path, entry);
    if (!symlink) {
      Files.setAttribute(path, "unix:mode", entry.mode() & 07777);
    }
    applyXattrs(path, entry);
    Posix.lutimes(path, entry.accessed(), entry.modified());
  }

  private void applyOwnership(Path path, Entry entry) throws IOException {
    if (privileged) {
      Posix.lchown(path, entry.uid(), entry.gid());
    } else if (!ownershipSkipReported) {
      ownershipSkipReported = true;
      skipped.add("ownership (uid/gid) of all entries: not applied, not running as root");
    }
  }

  private void applyXattrs(Path path, Entry entry) throws IOException {
    for (var xattr : entry.xattrs().entrySet()) {
      if (xattr.getKey().equals(SELINUX_XATTR)) {
        continue;
      }
      try {
        Posix.lsetxattr(path, xattr.getKey(), xattr.getValue());
      } catch (Posix.PosixException e) {
        if (e.errno() != Posix.ENOTSUP && e.errno() != Posix.EPERM) {
          throw e;
        }
        skipped.add(
            entry.rawName()
                + ": xattr "
                + xattr.getKey()
                + " not set ("
                + (e.errno() == Posix.ENOTSUP ? "not supported here" : "not permitted")
                + ")");
      }
    }
  }

  private void clearXattrs(Path path) throws IOException {
    List<String> names;
    try {
      names = Posix.llistxattr(path);
    } catch (Posix.PosixException e) {
      if (e.errno() == Posix.ENOTSUP) {
        return;
      }
      throw e;
    }
    for (String name : names) {
      if (!name.equals(SELINUX_XATTR)) {
        try {
          Posix.lremovexattr(path, name);
        } catch (Posix.PosixException e) {
          if (e.errno() != Posix.EPERM && e.errno() != Posix.ENODATA) {
            throw e;
          }
        }
      }
    }
  }

  /** Remembers a directory's times before this writer modifies it, to restore them at the end. */
  private void touchDir(Path dir) throws IOException {
    String relative = root.relativize(dir);
    if (savedTimes.containsKey(relative)) {
      return;
    }
    BasicFileAttributes attributes = ScopedRoot.lstat(dir);
    if (attributes != null && attributes.isDirectory()) {
      savedTimes.put(
          relative, new FileTime[] {attributes.lastAccessTime(), attributes.lastModifiedTime()});
    }
  }

  private void markUpper(String relative) {
    for (String path = relative; !path.isEmpty(); path = EntryName.parent(path)) {
      if (!upperPaths.add(path)) {
        break;
      }
    }
  }

  /** Deletes a path and everything below it without following any symlink. */
  private void removeAll(Path path) throws IOException {
    String relative = root.relativize(path);
    String prefix = relative + "/";
    explicitDirs.keySet().removeIf(key -> key.equals(relative) || key.startsWith(prefix));
    savedTimes.keySet().removeIf(key -> key.equals(relative) || key.startsWith(prefix));
    if (!Files.isDirectory(path, NOFOLLOW_LINKS)) {
      Files.delete(path);
      return;
    }
    Files.walkFileTree(
        path,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException failure)
              throws IOException {
            if (failure != null) {
              throw failure;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Applies deferred directory metadata, deepest first, and returns the layer's report. */
  ExtractionReport finish() throws IOException {
    Set<String> directories = new HashSet<>(savedTimes.keySet());
    directories.addAll(explicitDirs.keySet());
    List<String> deepestFirst = new ArrayList<>(directories);
    deepestFirst.sort(Comparator.comparingInt(RootWriter::depth).reversed());
    for (String relative : deepestFirst) {
      Path dir = relative.isEmpty() ? root.root() : root.root().resolve(relative);
      BasicFileAttributes attributes = ScopedRoot.lstat(dir);
      if (attributes == null || !attributes.isDirectory()) {
        continue;
      }
      Entry entry = explicitDirs.get(relative);
      if (entry != null) {
        applyOwnership(dir, entry);
        Files.setAttribute(dir, "unix:mode", entry.mode() & 07777);
        clearXattrs(dir);
        applyXattrs(dir, entry);
        Posix.lutimes(dir, entry.accessed(), entry.modified());
      } else {
        FileTime[] times = savedTimes.get(relative);
        Posix.lutimes(dir, times[0], times[1]);
      }
    }
    List<String> implicit = new ArrayList<>();
    if (!explicitDirs.containsKey("")) {
      implicit.add("");
    }
    implicit.addAll(implicitDirs);
    implicit.removeAll(explicitDirs.keySet());
    LayerChanges changes =
        whiteoutMode == Whiteouts.RECORD
            ? new LayerChanges(whiteouts, opaqueDirs, lowerLinks, implicit)
            : LayerChanges.none();
    return new ExtractionReport(
        budget.entries(),
        budget.streamBytes(),
        budget.writtenBytes(),
        changes,
        skipped,
        neutralised);
  }

  private static int depth(String relative) {
    if (relative.isEmpty()) {
      return -1;
    }
    return (int) relative.chars().filter(c -> c == '/').count();
  }
}
