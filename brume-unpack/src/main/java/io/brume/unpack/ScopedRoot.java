package io.brume.unpack;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A directory inside which untrusted relative paths are resolved the way securejoin does it: every
 * component is examined with {@code lstat} (never following links implicitly); a symlink met on the
 * way is expanded by hand, its target interpreted as if the root were {@code /}, and {@code ..}
 * stops at the root. The result therefore always names a location inside the root, whatever
 * symlinks an earlier entry or an earlier layer planted.
 *
 * <p>Only the components that are walked are resolved: callers resolve the parent of an entry and
 * then act on the final component without following it, so a symlink entry can be replaced but is
 * never written through.
 */
final class ScopedRoot {
  private static final int MAX_SYMLINK_EXPANSIONS = 255;

  private final Path root;

  ScopedRoot(Path root) throws IOException {
    this.root = root.toRealPath();
    if (!Files.isDirectory(this.root, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileSystemException(root.toString(), null, "extraction root is not a directory");
    }
  }

  Path root() {
    return root;
  }

  /**
   * Resolves a root-relative path, following symlinks in every component (including the last)
   * inside the root. Components that do not exist are appended as written.
   */
  Path resolve(String relative) throws IOException {
    Deque<String> todo = new ArrayDeque<>(components(relative));
    List<String> done = new ArrayList<>();
    int expansions = 0;
    while (!todo.isEmpty()) {
      String component = todo.removeFirst();
      if (component.isEmpty() || component.equals(".")) {
        continue;
      }
      if (component.equals("..")) {
        if (!done.isEmpty()) {
          done.removeLast();
        }
        continue;
      }
      Path candidate = at(done).resolve(component);
      BasicFileAttributes attributes = lstat(candidate);
      if (attributes != null && attributes.isSymbolicLink()) {
        if (++expansions > MAX_SYMLINK_EXPANSIONS) {
          throw new FileSystemException(
              candidate.toString(), null, "too many levels of symbolic links inside the root");
        }
        String target = Files.readSymbolicLink(candidate).toString();
        if (target.startsWith("/")) {
          done.clear();
        }
        List<String> expanded = components(target);
        for (int i = expanded.size() - 1; i >= 0; i--) {
          todo.addFirst(expanded.get(i));
        }
        continue;
      }
      done.add(component);
    }
    return at(done);
  }

  /** The root-relative form of a path returned by {@link #resolve} ({@code ""} for the root). */
  String relativize(Path resolved) {
    return root.relativize(resolved).toString();
  }

  private Path at(List<String> components) {
    Path path = root;
    for (String component : components) {
      path = path.resolve(component);
    }
    return path;
  }

  private static List<String> components(String path) {
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (!part.isEmpty()) {
        parts.add(part);
      }
    }
    return parts;
  }

  /** The attributes of the path itself, or null if nothing exists there. */
  static @Nullable BasicFileAttributes lstat(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    } catch (FileSystemException e) {
      // ENOTDIR: a parent component is a regular file, so nothing can exist below it.
      if (e.getReason() != null && e.getReason().contains("Not a directory")) {
        return null;
      }
      throw e;
    }
  }
}
