package io.brume.unpack;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Reads an uncompressed layer tar stream entry by entry and hands each entry to a {@link
 * RootWriter}: names are cleaned (absolute names become root-relative and are reported, {@code ..}
 * above the root is rejected), whiteouts are recognised, PAX xattrs collected. The stream is read
 * to its very end so that a caller hashing it (diff_id) sees every byte.
 */
final class TarLayerReader {
  private static final String WHITEOUT = ".wh.";
  private static final String WHITEOUT_META = ".wh..wh.";
  private static final String OPAQUE = ".wh..wh..opq";
  private static final String SCHILY_XATTR = "SCHILY.xattr.";
  private static final String LIBARCHIVE_XATTR = "LIBARCHIVE.xattr.";
  private static final int RECORD = 512;

  private TarLayerReader() {}

  static ExtractionReport read(InputStream tar, RootWriter writer, ExpansionBudget budget)
      throws IOException {
    try {
      CountingInputStream counted = new CountingInputStream(tar, budget);
      TarArchiveInputStream archive = new TarArchiveInputStream(counted, "UTF-8");
      TarArchiveEntry last = null;
      long lastDataOffset = 0;
      while (true) {
        TarArchiveEntry header;
        try {
          header = archive.getNextEntry();
        } catch (IOException e) {
          throw truncation(e, counted, last, lastDataOffset);
        }
        if (header == null) {
          // commons-compress takes a partial header record at the end of the stream for the
          // end of the archive and would silently drop whatever that header began.
          if (endsInsideHeader(counted, last, lastDataOffset)) {
            throw truncation(null, counted, last, lastDataOffset);
          }
          break;
        }
        // commons-compress reads headers record by record without reading ahead, so the count
        // right after a header is where that entry's data starts.
        last = header;
        lastDataOffset = counted.position();
        budget.onEntry(header.getName());
        try {
          dispatch(header, archive, writer);
        } catch (IOException e) {
          throw truncation(e, counted, last, lastDataOffset);
        }
      }
      counted.transferTo(OutputStream.nullOutputStream());
      return writer.finish();
    } finally {
      // Also on failure: no writer thread may still be writing when the caller cleans up.
      writer.close();
    }
  }

  private static void dispatch(TarArchiveEntry header, InputStream content, RootWriter writer)
      throws IOException {
    String raw = header.getName();
    EntryKind kind = kindOf(header);
    if (kind == null) {
      return;
    }
    String name = EntryName.clean(raw, raw);
    if (raw.startsWith("/")) {
      writer.neutralised(raw + ": absolute name extracted as /" + name + " inside the root");
    }
    String base = EntryName.base(name);
    String parent = EntryName.parent(name);
    if (base.equals(OPAQUE)) {
      writer.opaque(parent, raw);
      return;
    }
    if (base.startsWith(WHITEOUT_META)) {
      writer.skipped(raw + ": aufs metadata entry ignored");
      return;
    }
    if (base.startsWith(WHITEOUT)) {
      String hidden = base.substring(WHITEOUT.length());
      if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
        throw new UnsafeEntryException(raw, "whiteout does not name an entry inside its directory");
      }
      writer.whiteout(parent, hidden, raw);
      return;
    }
    String linkTarget = "";
    if (kind == EntryKind.SYMLINK) {
      linkTarget = header.getLinkName();
    } else if (kind == EntryKind.HARDLINK) {
      linkTarget = EntryName.clean(header.getLinkName(), raw);
      if (header.getLinkName().startsWith("/")) {
        writer.neutralised(
            raw + ": absolute hard-link target " + header.getLinkName() + " taken inside the root");
      }
    }
    FileTime modified = header.getLastModifiedTime();
    FileTime accessed = header.getLastAccessTime() != null ? header.getLastAccessTime() : modified;
    long size = header.isSparse() ? header.getRealSize() : header.getSize();
    Entry entry =
        new Entry(
            name,
            raw,
            kind,
            header.getMode() & 07777,
            header.getLongUserId(),
            header.getLongGroupId(),
            modified,
            accessed,
            linkTarget,
            size,
            header.getDevMajor(),
            header.getDevMinor(),
            xattrs(header, writer));
    writer.write(entry, content);
  }

  /**
   * Replaces the tar library's bare "Truncated TAR archive" by a message that says where the stream
   * ended relative to the last entry; other failures (unsafe entries, limits, disk errors, a stream
   * that had not ended) pass through unchanged.
   */
  private static IOException truncation(
      @Nullable IOException failure,
      CountingInputStream counted,
      @Nullable TarArchiveEntry last,
      long dataOffset) {
    if (failure != null
        && (!counted.ended()
            || failure instanceof UnsafeEntryException
            || failure instanceof ExpansionLimitException)) {
      return failure;
    }
    long end = counted.position();
    if (last == null) {
      return new TruncatedArchiveException(
          "",
          end,
          "truncated layer tar: the stream ends at byte " + end + " inside the first header",
          failure);
    }
    String name = last.getName();
    long dataEnd = dataOffset + last.getSize();
    long paddedEnd = padded(dataEnd);
    String where;
    if (end < dataEnd) {
      where =
          "entry \""
              + name
              + "\" is cut short: its "
              + last.getSize()
              + " bytes of data start at byte "
              + dataOffset
              + " but the stream ends at byte "
              + end
              + " ("
              + (dataEnd - end)
              + " bytes missing)";
    } else if (end < paddedEnd) {
      where =
          "the stream ends at byte "
              + end
              + (end == dataEnd ? ", right after" : ", inside the padding after")
              + " the data of entry \""
              + name
              + "\" (bytes "
              + dataOffset
              + " to "
              + dataEnd
              + "): the zero padding to the next 512-byte record ("
              + (paddedEnd - end)
              + " of "
              + (paddedEnd - dataEnd)
              + " bytes) and the end-of-archive marker (two zero records) are missing;"
              + " all entry data is present but the archive is not a valid tar";
    } else {
      where =
          "the stream ends at byte "
              + end
              + " inside the header that follows entry \""
              + name
              + "\" (data ended at byte "
              + dataEnd
              + ")";
    }
    return new TruncatedArchiveException(name, end, "truncated layer tar: " + where, failure);
  }

  /** Whether the stream ended partway through the header record after the last entry. */
  private static boolean endsInsideHeader(
      CountingInputStream counted, @Nullable TarArchiveEntry last, long dataOffset) {
    if (!counted.ended()) {
      return false;
    }
    long headerStart = last == null ? 0 : padded(dataOffset + last.getSize());
    long end = counted.position();
    return end > headerStart && end < headerStart + RECORD;
  }

  private static long padded(long offset) {
    return (offset + RECORD - 1) / RECORD * RECORD;
  }

  /** The kind of entry, or null for headers that carry no object (global PAX headers). */
  private static @Nullable EntryKind kindOf(TarArchiveEntry header) throws IOException {
    byte flag = header.getLinkFlag();
    return switch (flag) {
      case '0', 0, '7', 'S' ->
          header.getName().endsWith("/") && flag != '7' ? EntryKind.DIRECTORY : EntryKind.FILE;
      case '1' -> EntryKind.HARDLINK;
      case '2' -> EntryKind.SYMLINK;
      case '3' -> EntryKind.CHAR_DEVICE;
      case '4' -> EntryKind.BLOCK_DEVICE;
      case '5', 'D' -> EntryKind.DIRECTORY;
      case '6' -> EntryKind.FIFO;
      case 'g' -> null;
      default ->
          throw new UnsafeEntryException(
              header.getName(), "unsupported tar entry type '" + (char) flag + "'");
    };
  }

  private static Map<String, byte[]> xattrs(TarArchiveEntry header, RootWriter writer) {
    Map<String, byte[]> xattrs = new LinkedHashMap<>();
    for (var pax : header.getExtraPaxHeaders().entrySet()) {
      String key = pax.getKey();
      if (key.startsWith(SCHILY_XATTR)) {
        String value = pax.getValue();
        if (value.indexOf('\uFFFD') >= 0) {
          // commons-compress decodes PAX values as UTF-8; a binary value (security.capability)
          // arrives damaged, and writing damaged bytes would be worse than writing none.
          writer.skipped(
              header.getName()
                  + ": xattr "
                  + key.substring(SCHILY_XATTR.length())
                  + " not set (binary value not representable)");
          continue;
        }
        xattrs.put(key.substring(SCHILY_XATTR.length()), value.getBytes(StandardCharsets.UTF_8));
      } else if (key.startsWith(LIBARCHIVE_XATTR)) {
        String name =
            URLDecoder.decode(key.substring(LIBARCHIVE_XATTR.length()), StandardCharsets.UTF_8);
        xattrs.put(name, Base64.getDecoder().decode(pax.getValue()));
      }
    }
    return xattrs;
  }

  /** Counts the uncompressed bytes and enforces the expansion budget while they are read. */
  private static final class CountingInputStream extends FilterInputStream {
    private final ExpansionBudget budget;
    private long position;
    private boolean ended;

    CountingInputStream(InputStream in, ExpansionBudget budget) {
      super(in);
      this.budget = budget;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        budget.onStreamBytes(1);
        position++;
      } else {
        ended = true;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        budget.onStreamBytes(n);
        position += n;
      } else if (n < 0) {
        ended = true;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      if (skipped > 0) {
        budget.onStreamBytes(skipped);
        position += skipped;
      }
      return skipped;
    }

    /** Uncompressed bytes read or skipped so far: the offset of the next byte. */
    long position() {
      return position;
    }

    /** Whether the underlying stream has reported its end. */
    boolean ended() {
      return ended;
    }
  }
}
