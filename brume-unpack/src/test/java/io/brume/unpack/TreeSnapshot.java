package io.brume.unpack;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A comparable description of a directory tree: for every path its type, mode, owner, size, content
 * hash, symlink target, link count and (optionally) mtime; never following symlinks.
 */
final class TreeSnapshot {
  private TreeSnapshot() {}

  /** Everything, mtimes included: for sentinel trees that must not change at all. */
  static Map<String, String> of(Path root) {
    return of(root, true, path -> true);
  }

  /**
   * @param withMtimes include mtimes (the root directory's own mtime is never included)
   * @param include which root-relative paths to describe
   */
  static Map<String, String> of(Path root, boolean withMtimes, Predicate<String> include) {
    Map<String, String> tree = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        String relative = root.relativize(path).toString();
        if (include.test(relative)) {
          tree.put(
              relative.isEmpty() ? "." : relative,
              describe(path, withMtimes && !relative.isEmpty()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tree;
  }

  static String describe(Path path, boolean withMtime) throws IOException {
    Map<String, Object> unix = Files.readAttributes(path, "unix:*", NOFOLLOW_LINKS);
    int mode = (int) unix.get("mode");
    StringBuilder description = new StringBuilder();
    description.append(
        String.format("mode=%06o uid=%s gid=%s", mode, unix.get("uid"), unix.get("gid")));
    switch (mode & 0170000) {
      case 0100000 ->
          description
              .append(" size=")
              .append(unix.get("size"))
              .append(" sha256=")
              .append(sha256(path))
              .append(" nlink=")
              .append(unix.get("nlink"));
      case 0120000 -> description.append(" -> ").append(Files.readSymbolicLink(path));
      case 0020000, 0060000 -> description.append(" rdev=").append(unix.get("rdev"));
      default -> {}
    }
    for (String name : new java.util.TreeSet<>(Posix.llistxattr(path))) {
      description
          .append(" xattr:")
          .append(name)
          .append('=')
          .append(HexFormat.of().formatHex(Posix.lgetxattr(path, name)));
    }
    if (withMtime) {
      description.append(" mtime=").append(((FileTime) unix.get("lastModifiedTime")).toInstant());
    }
    return description.toString();
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file, NOFOLLOW_LINKS)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      int read;
      while ((read = in.read(buffer)) > 0) {
        digest.update(buffer, 0, read);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
