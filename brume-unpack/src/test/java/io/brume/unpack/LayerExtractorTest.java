package io.brume.unpack;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerExtractorTest {
  @TempDir Path diff;

  private final LayerExtractor extractor = new LayerExtractor();

  @Test
  void extractsFilesDirectoriesAndLinksWithTheirMetadata() throws Exception {
    FileTime old = FileTime.from(Instant.parse("2001-02-03T04:05:06.789Z"));
    byte[] tar =
        new TarBuilder()
            .mtime(old)
            .dir("usr/", 0755)
            .dir("usr/bin/", 0755)
            .file("usr/bin/tool", "#!/bin/sh\n", 04755)
            .dir("tmp/", 01777)
            .symlink("bin", "usr/bin")
            .hardlink("usr/bin/alias", "usr/bin/tool")
            .dir("ro/", 0555)
            .file("ro/inside", "x", 0444)
            .bytes();

    ExtractionReport report = extractor.extract(new java.io.ByteArrayInputStream(tar), diff);

    assertThat(report.entries()).isEqualTo(8);
    assertThat(Files.readString(diff.resolve("usr/bin/tool"))).isEqualTo("#!/bin/sh\n");
    assertThat(mode(diff.resolve("usr/bin/tool"))).isEqualTo(04755);
    assertThat(mode(diff.resolve("tmp"))).isEqualTo(01777);
    assertThat(mode(diff.resolve("ro"))).isEqualTo(0555);
    assertThat(Files.readSymbolicLink(diff.resolve("bin")).toString()).isEqualTo("usr/bin");
    assertThat(Files.isSameFile(diff.resolve("usr/bin/alias"), diff.resolve("usr/bin/tool")))
        .isTrue();
    // Directories keep their own mtime although children were created in them afterwards.
    assertThat(Files.getLastModifiedTime(diff.resolve("usr/bin"), NOFOLLOW_LINKS)).isEqualTo(old);
    assertThat(Files.getLastModifiedTime(diff.resolve("ro"), NOFOLLOW_LINKS)).isEqualTo(old);
    assertThat(Files.getLastModifiedTime(diff.resolve("bin"), NOFOLLOW_LINKS)).isEqualTo(old);
    assertThat(report.changes().whiteouts()).isEmpty();
    assertThat(report.changes().implicitDirs()).containsExactly("");
  }

  @Test
  void skipsDeviceNodesAndOwnershipWhenNotRootAndSaysSo() throws Exception {
    byte[] tar =
        new TarBuilder().owner(1, 1).charDevice("dev/null", 1, 3).file("f", "x", 0644).bytes();
    ExpansionBudget budget = new ExpansionBudget(ExtractionLimits.defaults(), null);
    RootWriter writer = new RootWriter(diff, RootWriter.Whiteouts.RECORD, budget, false);

    ExtractionReport report =
        TarLayerReader.read(new java.io.ByteArrayInputStream(tar), writer, budget);

    assertThat(Files.exists(diff.resolve("dev/null"), NOFOLLOW_LINKS)).isFalse();
    assertThat(report.skipped())
        .anyMatch(line -> line.contains("dev/null") && line.contains("device node"))
        .anyMatch(line -> line.contains("ownership"));
  }

  @Test
  void recordsWhiteoutsOpaqueDirsLowerLinksAndImplicitParents() throws Exception {
    byte[] tar =
        new TarBuilder()
            .dir("./", 0755)
            .dir("etc/", 0755)
            .whiteout("etc", "motd")
            .dir("var/", 0755)
            .opaque("var")
            .file("deep/er/file", "x", 0644)
            .hardlink("etc/passwd-link", "etc/passwd")
            .bytes();

    ExtractionReport report = extractor.extract(new java.io.ByteArrayInputStream(tar), diff);

    LayerChanges changes = report.changes();
    assertThat(changes.whiteouts()).containsExactly("etc/motd");
    assertThat(changes.opaqueDirs()).containsExactly("var");
    assertThat(changes.lowerLinks())
        .containsExactly(new LayerChanges.LowerLink("etc/passwd-link", "etc/passwd"));
    assertThat(changes.implicitDirs()).containsExactly("deep", "deep/er");
    assertThat(Files.exists(diff.resolve("etc/.wh.motd"), NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.exists(diff.resolve("var/.wh..wh..opq"), NOFOLLOW_LINKS)).isFalse();

    Path saved = diff.resolveSibling(diff.getFileName() + "-" + LayerChanges.FILE_NAME);
    changes.writeTo(saved);
    assertThat(LayerChanges.readFrom(saved)).isEqualTo(changes);
    Files.delete(saved);
  }

  @Test
  void keepsLongAndNonAsciiNames() throws Exception {
    String longName = "d/" + "x".repeat(200) + "/" + "é".repeat(60) + ".txt";
    byte[] tar = new TarBuilder().file(longName, "long", 0644).bytes();

    extractor.extract(new java.io.ByteArrayInputStream(tar), diff);

    assertThat(Files.readString(diff.resolve(longName))).isEqualTo("long");
  }

  @Test
  void laterEntriesReplaceEarlierOnesOfAnotherType() throws Exception {
    byte[] tar =
        new TarBuilder()
            .file("a", "file", 0644)
            .dir("a/", 0700)
            .file("a/child", "c", 0644)
            .dir("b/", 0755)
            .file("b/child", "c", 0644)
            .symlink("b", "/elsewhere")
            .dir("c/", 0755)
            .file("c/keep", "k", 0644)
            .dir("c/", 0711)
            .bytes();

    extractor.extract(new java.io.ByteArrayInputStream(tar), diff);

    assertThat(Files.isDirectory(diff.resolve("a"), NOFOLLOW_LINKS)).isTrue();
    assertThat(Files.isSymbolicLink(diff.resolve("b"))).isTrue();
    assertThat(Files.readString(diff.resolve("c/keep"))).isEqualTo("k");
    assertThat(mode(diff.resolve("c"))).isEqualTo(0711);
  }

  @Test
  void rejectsUnsupportedEntryTypesByName() {
    byte[] tar = new TarBuilder().raw("weird", (byte) 'Q').bytes();

    assertThatThrownBy(() -> extractor.extract(new java.io.ByteArrayInputStream(tar), diff))
        .isInstanceOf(UnsafeEntryException.class)
        .hasMessageContaining("weird")
        .hasMessageContaining("'Q'");
  }

  @Test
  void refusesANonEmptyDiffDirectory() throws Exception {
    Files.writeString(diff.resolve("stale"), "x");

    assertThatThrownBy(() -> extractor.extract(new TarBuilder().stream(), diff))
        .hasMessageContaining("not empty");
  }

  @Test
  void readsTheStreamToItsEndForHashing() throws Exception {
    byte[] tar = new TarBuilder().file("f", "x", 0644).bytes();
    byte[] padded = java.util.Arrays.copyOf(tar, tar.length + 4096);
    var in = new java.io.ByteArrayInputStream(padded);

    ExtractionReport report = extractor.extract(in, diff);

    assertThat(in.available()).isZero();
    assertThat(report.streamBytes()).isEqualTo(padded.length);
  }

  private static int mode(Path path) throws Exception {
    return modeWithType(path) & 07777;
  }

  static int modeWithType(Path path) throws Exception {
    return (int) Files.getAttribute(path, "unix:mode", NOFOLLOW_LINKS);
  }

  static Object attribute(Path path, String name) throws Exception {
    return Files.getAttribute(path, "unix:" + name, NOFOLLOW_LINKS);
  }
}
