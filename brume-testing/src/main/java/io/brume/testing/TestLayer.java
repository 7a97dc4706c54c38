package io.brume.testing;

import com.github.luben.zstd.ZstdOutputStream;
import io.brume.oci.Digest;
import io.brume.oci.MediaType.Compression;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Builds a layer tar with every entry type an image can carry — files with modes, times and owners,
 * directories, symlinks, hard links, whiteouts, opaque whiteouts, devices, FIFOs, PAX xattrs — and
 * compresses it. Names are written exactly as given (no normalisation), so malicious layers ({@code
 * ../escape}, {@code /abs}) can be built too.
 *
 * <pre>{@code
 * LayerBlob layer = TestLayer.builder()
 *     .directory("etc", 0755)
 *     .file("etc/hostname", "edge\n")
 *     .symlink("etc/localtime", "/usr/share/zoneinfo/UTC")
 *     .whiteout("var/old")
 *     .build(Compression.GZIP);
 * }</pre>
 */
public final class TestLayer {

  /** The mtime given to entries that do not set one, so that layers are reproducible. */
  public static final Instant DEFAULT_MTIME = Instant.parse("2024-01-02T03:04:05Z");

  /** An entry of the layer, in tar order. */
  public record Entry(
      String name,
      byte type,
      byte[] content,
      String linkName,
      int mode,
      Instant mtime,
      int uid,
      int gid,
      int devMajor,
      int devMinor,
      Map<String, String> xattrs) {

    /** Copies mutable parts. */
    public Entry {
      content = content.clone();
      xattrs = Map.copyOf(xattrs);
    }

    /** Same entry with other owner ids. */
    public Entry withOwner(int newUid, int newGid) {
      return new Entry(
          name, type, content, linkName, mode, mtime, newUid, newGid, devMajor, devMinor, xattrs);
    }
  }

  private final List<Entry> entries = new ArrayList<>();

  private TestLayer() {}

  /** An empty layer builder. */
  public static TestLayer builder() {
    return new TestLayer();
  }

  /** Adds any entry as is. */
  public TestLayer entry(Entry entry) {
    entries.add(entry);
    return this;
  }

  /** A regular file with mode 0644, owned by root. */
  public TestLayer file(String name, String content) {
    return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
  }

  /** A regular file owned by root. */
  public TestLayer file(String name, byte[] content, int mode) {
    return file(name, content, mode, DEFAULT_MTIME, 0, 0);
  }

  /** A regular file with all attributes. */
  public TestLayer file(String name, byte[] content, int mode, Instant mtime, int uid, int gid) {
    return entry(
        new Entry(
            name, TarConstants.LF_NORMAL, content, "", mode, mtime, uid, gid, 0, 0, Map.of()));
  }

  /** A regular file with extended attributes, stored as PAX {@code SCHILY.xattr.*} records. */
  public TestLayer fileWithXattrs(String name, String content, Map<String, String> xattrs) {
    return entry(
        new Entry(
            name,
            TarConstants.LF_NORMAL,
            content.getBytes(StandardCharsets.UTF_8),
            "",
            0644,
            DEFAULT_MTIME,
            0,
            0,
            0,
            0,
            new LinkedHashMap<>(xattrs)));
  }

  /** A directory. */
  public TestLayer directory(String name, int mode) {
    return entry(
        new Entry(
            dirName(name),
            TarConstants.LF_DIR,
            new byte[0],
            "",
            mode,
            DEFAULT_MTIME,
            0,
            0,
            0,
            0,
            Map.of()));
  }

  /** A symbolic link {@code name → target} (target written verbatim). */
  public TestLayer symlink(String name, String target) {
    return entry(
        new Entry(
            name,
            TarConstants.LF_SYMLINK,
            new byte[0],
            target,
            0777,
            DEFAULT_MTIME,
            0,
            0,
            0,
            0,
            Map.of()));
  }

  /** A hard link {@code name} to the earlier entry {@code target}. */
  public TestLayer hardLink(String name, String target) {
    return entry(
        new Entry(
            name,
            TarConstants.LF_LINK,
            new byte[0],
            target,
            0644,
            DEFAULT_MTIME,
            0,
            0,
            0,
            0,
            Map.of()));
  }

  /** A character device node. */
  public TestLayer charDevice(String name, int major, int minor) {
    return entry(
        new Entry(
            name,
            TarConstants.LF_CHR,
            new byte[0],
            "",
            0666,
            DEFAULT_MTIME,
            0,
            0,
            major,
            minor,
            Map.of()));
  }

  /** A block device node. */
  public TestLayer blockDevice(String name, int major, int minor) {
    return entry(
        new Entry(
            name,
            TarConstants.LF_BLK,
            new byte[0],
            "",
            0660,
            DEFAULT_MTIME,
            0,
            0,
            major,
            minor,
            Map.of()));
  }

  /** A named pipe. */
  public TestLayer fifo(String name) {
    return entry(
        new Entry(
            name,
            TarConstants.LF_FIFO,
            new byte[0],
            "",
            0644,
            DEFAULT_MTIME,
            0,
            0,
            0,
            0,
            Map.of()));
  }

  /** Deletes {@code path} of lower layers: an empty file {@code dir/.wh.name}. */
  public TestLayer whiteout(String path) {
    int slash = path.lastIndexOf('/');
    String whiteout = path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
    return file(whiteout, new byte[0], 0644);
  }

  /** Hides everything lower layers put in {@code directory}: {@code directory/.wh..wh..opq}. */
  public TestLayer opaqueWhiteout(String directory) {
    String prefix = directory.isEmpty() || directory.endsWith("/") ? directory : directory + "/";
    return file(prefix + ".wh..wh..opq", new byte[0], 0644);
  }

  /** The entries so far. */
  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  private static String dirName(String name) {
    return name.endsWith("/") ? name : name + "/";
  }

  /** The uncompressed tar stream (POSIX/PAX format, long names and big numbers allowed). */
  public byte[] tar() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, "UTF-8")) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(true);
      for (Entry entry : entries) {
        tar.putArchiveEntry(header(entry));
        tar.write(entry.content());
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write test layer", e);
    }
    return bytes.toByteArray();
  }

  private static TarArchiveEntry header(Entry entry) {
    // preserveAbsolutePath = true: names are test data, possibly hostile; never normalise them.
    TarArchiveEntry header = new TarArchiveEntry(entry.name(), entry.type(), true);
    header.setMode(entry.mode());
    header.setModTime(entry.mtime().toEpochMilli());
    header.setUserId(entry.uid());
    header.setGroupId(entry.gid());
    if (entry.type() == TarConstants.LF_NORMAL) {
      header.setSize(entry.content().length);
    }
    if (!entry.linkName().isEmpty()) {
      header.setLinkName(entry.linkName());
    }
    if (entry.type() == TarConstants.LF_CHR || entry.type() == TarConstants.LF_BLK) {
      header.setDevMajor(entry.devMajor());
      header.setDevMinor(entry.devMinor());
    }
    entry.xattrs().forEach((k, v) -> header.addPaxHeader("SCHILY.xattr." + k, v));
    return header;
  }

  /** Builds the layer blob with {@code compression}. */
  public LayerBlob build(Compression compression) {
    byte[] tar = tar();
    byte[] blob = compress(tar, compression);
    return new LayerBlob(blob, tar, compression, Digest.sha256(blob), Digest.sha256(tar));
  }

  static byte[] compress(byte[] tar, Compression compression) {
    if (compression == Compression.NONE) {
      return tar;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out =
        compression == Compression.GZIP
            ? new GZIPOutputStream(bytes)
            : new ZstdOutputStream(bytes, 3)) {
      out.write(tar);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot compress test layer", e);
    }
    return bytes.toByteArray();
  }
}
