package io.brume.unpack;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds layer tar streams entry by entry, malicious names included (nothing is normalised). */
final class TarBuilder {
  static final FileTime MTIME = FileTime.from(Instant.parse("2024-03-01T12:00:00Z"));

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar;
  private TarArchiveEntry pending;
  private byte[] pendingContent = new byte[0];
  private long uid;
  private long gid;
  private FileTime mtime = MTIME;

  TarBuilder() {
    tar = new TarArchiveOutputStream(bytes, "UTF-8");
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
  }

  /** Owner of the entries added from now on. */
  TarBuilder owner(long uid, long gid) {
    this.uid = uid;
    this.gid = gid;
    return this;
  }

  /** Modification time of the entries added from now on. */
  TarBuilder mtime(FileTime mtime) {
    this.mtime = mtime;
    return this;
  }

  TarBuilder dir(String name, int mode) {
    return add(entry(name, TarConstants.LF_DIR, mode), new byte[0]);
  }

  TarBuilder file(String name, String content, int mode) {
    return file(name, content.getBytes(StandardCharsets.UTF_8), mode);
  }

  TarBuilder file(String name, byte[] content, int mode) {
    TarArchiveEntry entry = entry(name, TarConstants.LF_NORMAL, mode);
    entry.setSize(content.length);
    return add(entry, content);
  }

  TarBuilder symlink(String name, String target) {
    TarArchiveEntry entry = entry(name, TarConstants.LF_SYMLINK, 0777);
    entry.setLinkName(target);
    return add(entry, new byte[0]);
  }

  TarBuilder hardlink(String name, String target) {
    TarArchiveEntry entry = entry(name, TarConstants.LF_LINK, 0644);
    entry.setLinkName(target);
    return add(entry, new byte[0]);
  }

  TarBuilder fifo(String name, int mode) {
    return add(entry(name, TarConstants.LF_FIFO, mode), new byte[0]);
  }

  TarBuilder charDevice(String name, int major, int minor) {
    TarArchiveEntry entry = entry(name, TarConstants.LF_CHR, 0666);
    entry.setDevMajor(major);
    entry.setDevMinor(minor);
    return add(entry, new byte[0]);
  }

  TarBuilder blockDevice(String name, int major, int minor) {
    TarArchiveEntry entry = entry(name, TarConstants.LF_BLK, 0660);
    entry.setDevMajor(major);
    entry.setDevMinor(minor);
    return add(entry, new byte[0]);
  }

  TarBuilder whiteout(String dir, String name) {
    return file((dir.isEmpty() ? "" : dir + "/") + ".wh." + name, new byte[0], 0644);
  }

  TarBuilder opaque(String dir) {
    return file((dir.isEmpty() ? "" : dir + "/") + ".wh..wh..opq", new byte[0], 0644);
  }

  /** An entry with any type flag, for unsupported-type tests. */
  TarBuilder raw(String name, byte flag) {
    return add(entry(name, flag, 0644), new byte[0]);
  }

  /** Adds a PAX xattr to the most recently added entry. */
  TarBuilder xattr(String name, String value) {
    pending.addPaxHeader("SCHILY.xattr." + name, value);
    return this;
  }

  /**
   * A file entry that declares {@code size} bytes but whose data is all zeros (streamed lazily).
   */
  TarBuilder zeros(String name, long size) {
    TarArchiveEntry entry = entry(name, TarConstants.LF_NORMAL, 0644);
    entry.setSize(size);
    flush();
    try {
      tar.putArchiveEntry(entry);
      byte[] chunk = new byte[64 * 1024];
      for (long left = size; left > 0; left -= chunk.length) {
        tar.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
      tar.closeArchiveEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  private TarArchiveEntry entry(String name, byte flag, int mode) {
    TarArchiveEntry entry = new TarArchiveEntry(name, flag, true);
    entry.setMode(mode);
    entry.setUserId(uid);
    entry.setGroupId(gid);
    entry.setLastModifiedTime(mtime);
    return entry;
  }

  private TarBuilder add(TarArchiveEntry entry, byte[] content) {
    flush();
    pending = entry;
    pendingContent = content;
    return this;
  }

  private void flush() {
    if (pending == null) {
      return;
    }
    try {
      tar.putArchiveEntry(pending);
      tar.write(pendingContent);
      tar.closeArchiveEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    pending = null;
  }

  byte[] bytes() {
    flush();
    try {
      tar.finish();
      tar.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  InputStream stream() {
    return new ByteArrayInputStream(bytes());
  }
}
