package io.brume.unpack;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Lexical normalisation of tar entry names and hard-link targets into root-relative paths.
 *
 * <p>Like umoci (and GNU tar without {@code -P}), a leading {@code /} is dropped: an absolute name
 * means "relative to the root being extracted". Unlike umoci, which silently clamps {@code ..} at
 * the root, a name whose {@code ..} components climb above the root is rejected: no legitimate
 * image contains one, so it is treated as an attack and reported with the entry's name.
 */
final class EntryName {
  private EntryName() {}

  /**
   * Returns the cleaned root-relative path ({@code ""} for the root itself), with {@code .} and
   * empty components removed and {@code ..} resolved lexically.
   *
   * @param raw the name as written in the archive
   * @param entry the entry to name in errors
   * @throws UnsafeEntryException if the name contains NUL or climbs above the root
   */
  static String clean(String raw, String entry) throws UnsafeEntryException {
    if (raw.indexOf('\0') >= 0) {
      throw new UnsafeEntryException(entry, "name contains a NUL byte");
    }
    Deque<String> parts = new ArrayDeque<>();
    for (String part : raw.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          throw new UnsafeEntryException(entry, "path \"" + raw + "\" climbs out of the root");
        }
        parts.removeLast();
      } else {
        parts.addLast(part);
      }
    }
    return String.join("/", parts);
  }

  /** The parent of a cleaned path ({@code ""} for top-level names and the root). */
  static String parent(String cleaned) {
    int slash = cleaned.lastIndexOf('/');
    return slash < 0 ? "" : cleaned.substring(0, slash);
  }

  /** The last component of a cleaned path ({@code ""} for the root). */
  static String base(String cleaned) {
    return cleaned.substring(cleaned.lastIndexOf('/') + 1);
  }

  /** Joins a cleaned parent and a single component. */
  static String join(String parent, String base) {
    return parent.isEmpty() ? base : parent + "/" + base;
  }
}
