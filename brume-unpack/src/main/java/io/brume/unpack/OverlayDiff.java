package io.brume.unpack;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a layer diff written by {@link LayerExtractor} (the diff directory plus its {@link
 * LayerChanges}) into overlayfs' on-disk upper-directory format, in place, so that the diff can be
 * mounted as an overlay {@code lowerdir} and shows the same tree as applying the layer would: a
 * whiteout becomes a character device 0/0, an opaque directory gets {@code
 * trusted.overlay.opaque=y}, a hard link into a lower layer becomes a copy of the lower file, and a
 * directory the layer only created implicitly takes the attributes of the lower directory it merges
 * with. Needs root (mknod, trusted xattrs), as overlay mounts do.
 */
public final class OverlayDiff {
  /** The xattr overlayfs reads to hide a directory's lower contents. */
  public static final String OPAQUE_XATTR = "trusted.overlay.opaque";

  private OverlayDiff() {}

  /**
   * Converts {@code diffDir}.
   *
   * @param lowerDirs the diffs of the layers below, already in overlay format, top layer first
   *     (overlay's {@code lowerdir} order); used for lower hard links and implicit directories
   */
  public static void convert(Path diffDir, LayerChanges changes, List<Path> lowerDirs)
      throws IOException {
    // Adding nodes changes their directories' mtimes; the layer's own mtimes are put back after.
    Map<Path, FileTime> mtimes = new LinkedHashMap<>();
    for (String dir : changes.opaqueDirs()) {
      Path path = inside(diffDir, dir);
      remember(mtimes, Objects.requireNonNull(path.getParent()));
      Files.createDirectories(path);
      remember(mtimes, path);
      Posix.lsetxattr(path, OPAQUE_XATTR, "y".getBytes(StandardCharsets.US_ASCII));
    }
    for (String whiteout : changes.whiteouts()) {
      Path path = inside(diffDir, whiteout);
      if (Files.exists(path, NOFOLLOW_LINKS)) {
        continue; // the layer adds the path again: its own entry already hides the lower one
      }
      remember(mtimes, Objects.requireNonNull(path.getParent()));
      Files.createDirectories(path.getParent());
      Posix.mknod(path, Modes.S_IFCHR, 0, 0, 0);
    }
    for (LayerChanges.LowerLink link : changes.lowerLinks()) {
      Path source =
          findInLower(lowerDirs, link.target())
              .orElseThrow(
                  () ->
                      new FileSystemException(
                          link.path(),
                          link.target(),
                          "hard link target is in no lower layer of the snapshot"));
      Path path = inside(diffDir, link.path());
      remember(mtimes, Objects.requireNonNull(path.getParent()));
      Files.createDirectories(path.getParent());
      // A copy stands in for the shared inode, as an overlay copy-up would make one.
      Files.copy(source, path, StandardCopyOption.COPY_ATTRIBUTES, NOFOLLOW_LINKS);
      Map<String, Object> unix = Files.readAttributes(source, "unix:uid,gid", NOFOLLOW_LINKS);
      Posix.lchown(
          path,
          (int) Objects.requireNonNull(unix.get("uid")),
          (int) Objects.requireNonNull(unix.get("gid")));
    }
    for (Map.Entry<Path, FileTime> entry : mtimes.entrySet()) {
      if (entry.getValue() != null) {
        Posix.lutimes(entry.getKey(), null, entry.getValue());
      }
    }
    for (String dir : changes.implicitDirs()) {
      Path path = dir.isEmpty() ? diffDir : inside(diffDir, dir);
      Optional<Path> lower = findInLower(lowerDirs, dir);
      if (lower.isPresent() && Files.isDirectory(lower.get(), NOFOLLOW_LINKS)) {
        Map<String, Object> unix =
            Files.readAttributes(lower.get(), "unix:mode,uid,gid,lastModifiedTime", NOFOLLOW_LINKS);
        Files.setAttribute(
            path,
            "unix:mode",
            (int) Objects.requireNonNull(unix.get("mode")) & 07777,
            NOFOLLOW_LINKS);
        Posix.lchown(
            path,
            (int) Objects.requireNonNull(unix.get("uid")),
            (int) Objects.requireNonNull(unix.get("gid")));
        Posix.lutimes(path, null, (FileTime) Objects.requireNonNull(unix.get("lastModifiedTime")));
      }
    }
  }

  private static void remember(Map<Path, FileTime> mtimes, Path directory) throws IOException {
    if (!mtimes.containsKey(directory)) {
      mtimes.put(
          directory,
          Files.isDirectory(directory, NOFOLLOW_LINKS)
              ? Files.getLastModifiedTime(directory, NOFOLLOW_LINKS)
              : null);
    }
  }

  /**
   * The path of the topmost lower layer that has {@code relative}, unless a layer above hides it
   * with a whiteout or an opaque directory.
   */
  static Optional<Path> findInLower(List<Path> lowerDirs, String relative) throws IOException {
    for (Path lower : lowerDirs) {
      Path path = relative.isEmpty() ? lower : inside(lower, relative);
      if (Files.exists(path, NOFOLLOW_LINKS)) {
        return isWhiteout(path) ? Optional.empty() : Optional.of(path);
      }
      for (Path parent = path.getParent();
          parent != null && parent.startsWith(lower) && !parent.equals(lower);
          parent = parent.getParent()) {
        if (isOpaque(parent)) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isWhiteout(Path path) throws IOException {
    Map<String, Object> unix = Files.readAttributes(path, "unix:mode,rdev", NOFOLLOW_LINKS);
    return ((int) Objects.requireNonNull(unix.get("mode")) & Modes.S_IFMT) == Modes.S_IFCHR
        && (long) Objects.requireNonNull(unix.get("rdev")) == 0;
  }

  private static boolean isOpaque(Path dir) throws IOException {
    if (!Files.isDirectory(dir, NOFOLLOW_LINKS)) {
      return false;
    }
    try {
      return "y".equals(new String(Posix.lgetxattr(dir, OPAQUE_XATTR), StandardCharsets.US_ASCII));
    } catch (Posix.PosixException e) {
      if (e.errno() == Posix.ENODATA || e.errno() == Posix.ENOTSUP) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Resolves a root-relative path recorded by the extractor, refusing {@code ..} and symlinks on
   * the way, so nothing outside {@code root} is touched.
   */
  private static Path inside(Path root, String relative) throws IOException {
    Path path = root;
    for (Path part : Path.of(relative)) {
      String name = part.toString();
      if (name.equals("..") || name.equals(".")) {
        throw new UnsafeEntryException(relative, "path leaves the layer");
      }
      if (Files.isSymbolicLink(path)) {
        throw new UnsafeEntryException(relative, "path goes through a symlink");
      }
      path = path.resolve(name);
    }
    return path;
  }
}
