package io.brume.unpack;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** File type bits and the provisional permissions used while a layer is being written. */
final class Modes {
  static final int S_IFMT = 0170000;
  static final int S_IFCHR = 0020000;
  static final int S_IFBLK = 0060000;
  static final int S_IFIFO = 0010000;

  /** Files start private and get their final mode once their content is written. */
  static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  /** Directories start private and writable so that a read-only directory can still be filled. */
  static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");

  private Modes() {}
}
