package io.brume.unpack;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
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
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

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
 *
 * <p>Speed, without giving up any of the above: directories already resolved (or created) inside
 * this root are remembered by entry name, so an entry costs one lookup instead of an {@code lstat}
 * per path component; the cache is dropped whenever anything is removed, the only way an existing
 * component can change. When the root was empty at the start ({@code freshRoot}), a path this
 * writer never created cannot exist, so new objects are created without looking first. Regular
 * files are created with {@link NativeFiles} (metadata on the open descriptor) and, with writer
 * threads, small ones are handed to a {@link FileWriterPool}.
 */
final class RootWriter {
  /** What to do with whiteout entries. */
  enum Whiteouts {
    RECORD,
    APPLY
  }

  private static final String SELINUX_XATTR = "security.selinux";
  private static final int INLINE_BUFFER = 256 * 1024;

  /** A directory resolved inside the root: no symlink in it, all of it exists. */
  private record Dir(Path path, String file, String relative) {}

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

  private final boolean freshRoot;
  // Owner and group that a new file gets anyway, or -1 when that is not certain.
  private final long defaultUid;
  private final long defaultGid;
  private final Dir rootDir;
  private final Map<String, Dir> resolvedDirs = new HashMap<>();
  private final NativeFiles io = new NativeFiles();
  private final @Nullable FileWriterPool writers;
  private boolean rootTouched;
  private byte @Nullable [] inlineBuffer;
  private @Nullable MemorySegment inlineSegment;

  RootWriter(Path root, Whiteouts whiteoutMode, ExpansionBudget budget) throws IOException {
    this(root, whiteoutMode, budget, Posix.isRoot());
  }

  /**
   * @param privileged whether to apply ownership and create device nodes (tests pass false to see
   *     the unprivileged behaviour while running as root)
   */
  RootWriter(Path root, Whiteouts whiteoutMode, ExpansionBudget budget, boolean privileged)
      throws IOException {
    this(root, whiteoutMode, budget, privileged, false, 0);
  }

  /**
   * @param freshRoot the root is empty and nothing else writes into it while this writer works:
   *     what this writer did not create does not exist
   * @param writerThreads threads writing small files concurrently (needs {@code freshRoot}); 0
   *     writes everything on the calling thread
   */
  RootWriter(
      Path root,
      Whiteouts whiteoutMode,
      ExpansionBudget budget,
      boolean privileged,
      boolean freshRoot,
      int writerThreads)
      throws IOException {
    if (writerThreads > 0 && !freshRoot) {
      throw new IllegalArgumentException("parallel writes need an empty root");
    }
    this.root = new ScopedRoot(root);
    this.whiteoutMode = whiteoutMode;
    this.budget = budget;
    this.privileged = privileged;
    this.freshRoot = freshRoot;
    // In an empty root without the setgid bit, no directory of this extraction has it before
    // finish() (their modes come last), so a new file belongs to our effective uid and gid.
    boolean plainGroups =
        freshRoot
            && ((int) Files.getAttribute(this.root.root(), "unix:mode", NOFOLLOW_LINKS) & 02000)
                == 0;
    this.defaultUid = plainGroups ? Posix.geteuid() : -1;
    this.defaultGid = plainGroups ? Posix.getegid() : -1;
    this.rootDir = new Dir(this.root.root(), this.root.root().toString(), "");
    this.writers = writerThreads > 0 ? new FileWriterPool(writerThreads) : null;
  }

  void neutralised(String description) {
    neutralised.add(description);
  }

  void skipped(String description) {
    skipped.add(description);
  }

  /** A {@code .wh.NAME} entry in directory {@code parent}: NAME is hidden from lower layers. */
  void whiteout(String parent, String name, String rawName) throws IOException {
    Path dir = lookupDir(parent);
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
    Path dir = lookupDir(directory);
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
    if (writers != null) {
      writers.rethrowFailure();
    }
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
    Dir parent = ensureDir(EntryName.parent(entry.name()), entry);
    String base = EntryName.base(entry.name());
    String relative = EntryName.join(parent.relative(), base);
    String file = parent.file() + "/" + base;
    boolean mayExist = mayExist(relative);
    if (mayExist && writers != null) {
      writers.awaitPath(relative);
    }
    if (entry.kind() == EntryKind.FILE) {
      writeFile(entry, content, parent, base, relative, file, mayExist);
      markUpper(relative);
      return;
    }
    Path path = parent.path().resolve(base);
    if (hardLinkTarget == null && entry.kind() == EntryKind.HARDLINK) {
      if (whiteoutMode == Whiteouts.RECORD) {
        if (mayExist) {
          removeIfPresent(path, false);
        }
        lowerLinks.add(new LayerChanges.LowerLink(relative, entry.linkTarget()));
        return;
      }
      throw entryFailure(
          entry, "hard link target \"" + entry.linkTarget() + "\" does not exist in the root");
    }
    if (path.equals(hardLinkTarget)) {
      throw new UnsafeEntryException(entry.rawName(), "hard link to itself");
    }
    if (entry.kind() == EntryKind.DIRECTORY) {
      createDirectory(entry, path, file, relative, mayExist);
      markUpper(relative);
      return;
    }
    if (mayExist) {
      removeIfPresent(path, false);
    }
    switch (entry.kind()) {
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
      default -> throw new IllegalStateException("unhandled entry kind " + entry.kind());
    }
    markUpper(relative);
  }

  /** Whether something may exist at a resolved root-relative path. */
  private boolean mayExist(String relative) {
    return !freshRoot || upperPaths.contains(relative);
  }

  private void createDirectory(
      Entry entry, Path path, String file, String relative, boolean mayExist) throws IOException {
    if (!mayExist) {
      if (!io.mkdir(file, 0700)) {
        throw new IOException("layer entry \"" + entry.rawName() + "\": appeared while extracting");
      }
    } else {
      removeIfPresent(path, true);
      if (!Files.isDirectory(path, NOFOLLOW_LINKS)) {
        Files.createDirectory(path, PosixFilePermissions.asFileAttribute(Modes.OWNER_ONLY_DIR));
      }
    }
    explicitDirs.put(relative, entry);
    // Its saved times do not matter (the entry's own are applied at the end), so no touchDir.
    resolvedDirs.put(entry.name(), new Dir(path, file, relative));
  }

  /**
   * Resolves a hard link's target inside the root without following its last component (a link to a
   * symlink links the symlink itself); null when nothing exists there.
   */
  private @Nullable Path hardLinkTarget(Entry entry) throws IOException {
    String target = entry.linkTarget();
    if (target.isEmpty()) {
      throw new UnsafeEntryException(entry.rawName(), "hard link to the root directory");
    }
    Path path = lookupDir(EntryName.parent(target)).resolve(EntryName.base(target));
    if (writers != null) {
      writers.awaitPath(root.relativize(path));
    }
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

  /**
   * Resolves a directory named by the layer inside the root, creating missing components (recorded
   * as implicit), from the cache when this writer resolved it before.
   */
  private Dir ensureDir(String name, Entry entry) throws IOException {
    if (name.isEmpty()) {
      if (!rootTouched) {
        touchDir(rootDir.path());
        rootTouched = true;
      }
      return rootDir;
    }
    Dir cached = resolvedDirs.get(name);
    if (cached != null) {
      return cached;
    }
    Dir parent = ensureDir(EntryName.parent(name), entry);
    String base = EntryName.base(name);
    String relative = EntryName.join(parent.relative(), base);
    Path path = parent.path().resolve(base);
    Dir dir = new Dir(path, parent.file() + "/" + base, relative);
    if (!mayExist(relative)) {
      if (!io.mkdir(dir.file(), 0777)) {
        throw entryFailure(entry, "\"" + relative + "\" appeared while extracting");
      }
      implicitDirs.add(relative);
      markUpper(relative);
      touchDir(path);
    } else {
      if (writers != null) {
        writers.awaitPath(relative);
      }
      BasicFileAttributes attributes = ScopedRoot.lstat(path);
      if (attributes == null) {
        Files.createDirectory(path);
        implicitDirs.add(relative);
        markUpper(relative);
        touchDir(path);
      } else if (attributes.isSymbolicLink()) {
        dir = resolveThroughSymlinks(name, entry);
      } else if (attributes.isDirectory()) {
        touchDir(path);
      } else {
        throw entryFailure(
            entry, "cannot create it: parent \"" + relative + "\" is not a directory");
      }
    }
    resolvedDirs.put(name, dir);
    return dir;
  }

  /**
   * The general case, met when a component is a symlink: resolves the whole name inside the root
   * (securejoin) and creates whatever is missing along the result.
   */
  private Dir resolveThroughSymlinks(String name, Entry entry) throws IOException {
    Path resolved = root.resolve(name);
    Path current = root.root();
    for (Path component : root.root().relativize(resolved)) {
      if (component.toString().isEmpty()) {
        continue;
      }
      Path next = current.resolve(component);
      String relative = root.relativize(next);
      if (writers != null) {
        writers.awaitPath(relative);
      }
      BasicFileAttributes attributes = ScopedRoot.lstat(next);
      if (attributes == null) {
        touchDir(current);
        Files.createDirectory(next);
        implicitDirs.add(relative);
        markUpper(relative);
      } else if (!attributes.isDirectory()) {
        throw entryFailure(
            entry, "cannot create it: parent \"" + relative + "\" is not a directory");
      }
      current = next;
    }
    touchDir(resolved);
    return new Dir(resolved, resolved.toString(), root.relativize(resolved));
  }

  /** Resolves a directory name inside the root without creating anything. */
  private Path lookupDir(String name) throws IOException {
    if (name.isEmpty()) {
      return root.root();
    }
    Dir cached = resolvedDirs.get(name);
    return cached != null ? cached.path() : root.resolve(name);
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

  private void writeFile(
      Entry entry,
      InputStream content,
      Dir parent,
      String base,
      String relative,
      String file,
      boolean mayExist)
      throws IOException {
    budget.reserve(entry.size(), entry.rawName());
    if (!privileged) {
      applyOwnership(null, entry);
    }
    if (writers != null
        && !mayExist
        && entry.size() <= FileWriterPool.MAX_HANDOFF_SIZE
        && entry.xattrs().isEmpty()) {
      writers.submit(file, relative, entry, content, budget, needsChown(entry));
      return;
    }
    int fd = io.createExclusive(file);
    if (fd < 0) {
      removeIfPresent(parent.path().resolve(base), false);
      fd = io.createExclusive(file);
      if (fd < 0) {
        throw entryFailure(entry, "\"" + relative + "\" appeared while extracting");
      }
    }
    try {
      copyContent(fd, entry, content, file);
      io.finishFile(fd, entry, needsChown(entry), file);
      applyXattrs(parent.path().resolve(base), entry);
      io.setTimes(fd, entry.accessed(), entry.modified(), file);
    } catch (IOException | RuntimeException e) {
      io.closeQuietly(fd);
      throw e;
    }
    io.close(fd, file);
  }

  /** Whether a new regular file needs fchown: not when it already has the entry's owner. */
  private boolean needsChown(Entry entry) {
    return privileged && (entry.uid() != defaultUid || entry.gid() != defaultGid);
  }

  private void copyContent(int fd, Entry entry, InputStream content, String file)
      throws IOException {
    if (inlineBuffer == null) {
      inlineBuffer = new byte[INLINE_BUFFER];
      inlineSegment = Arena.ofAuto().allocate(INLINE_BUFFER, 4096);
    }
    int read;
    while ((read = content.read(inlineBuffer)) > 0) {
      budget.onWritten(read, entry.rawName());
      MemorySegment.copy(inlineBuffer, 0, inlineSegment, ValueLayout.JAVA_BYTE, 0, read);
      io.writeFully(fd, Objects.requireNonNull(inlineSegment).asSlice(0, read), file);
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

  private void applyOwnership(@Nullable Path path, Entry entry) throws IOException {
    if (privileged) {
      Posix.lchown(
          Objects.requireNonNull(path, "privileged writes pass the path"),
          entry.uid(),
          entry.gid());
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
    if (writers != null) {
      // A handed-over file below the path could otherwise be created after the removal.
      writers.drain();
    }
    // Whatever was resolved through this path is no longer there.
    resolvedDirs.clear();
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
    if (writers != null) {
      writers.drain();
      writers.close();
    }
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
        FileTime[] times = Objects.requireNonNull(savedTimes.get(relative));
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

  /**
   * Stops the writer threads; after a failure, files still queued are dropped. Returns only when no
   * thread of this writer can touch the root any more.
   */
  void close() {
    if (writers != null) {
      writers.abort();
      writers.close();
    }
  }

  private static int depth(String relative) {
    if (relative.isEmpty()) {
      return -1;
    }
    return (int) relative.chars().filter(c -> c == '/').count();
  }
}
