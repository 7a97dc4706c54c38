package io.brume.unpack;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of malicious layers, after the ideas of containerd's TestBreakouts, moby's TestUntar
 * cases, umoci's tar_extract tests and the CVEs in the image-deployment notes (CVE-2014-6407,
 * 2014-9356, 2017-14992, 2021-29136, 2021-32760 and the 2026 "symlink written through" family).
 * Every case runs against a root that sits next to a sentinel tree; whatever the outcome (refused
 * or neutralised), the sentinel tree and everything else outside the root must be untouched.
 */
class BreakoutTest {
  @TempDir Path base;
  Path root;
  Path outside;
  Map<String, String> before;

  @BeforeEach
  void plantSentinels() throws IOException {
    root = Files.createDirectory(base.resolve("root"));
    outside = Files.createDirectory(base.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "do not touch");
    Files.createDirectory(outside.resolve("dir"));
    Files.writeString(outside.resolve("dir/file"), "nor this");
    Files.setAttribute(outside.resolve("secret"), "unix:mode", 0600);
    before = outsideTree();
  }

  @AfterEach
  void nothingOutsideTheRootChanged() {
    assertThat(outsideTree()).isEqualTo(before);
  }

  private Map<String, String> outsideTree() {
    return TreeSnapshot.of(base, true, path -> !path.equals("root") && !path.startsWith("root/"));
  }

  private String abs(String relativeToOutside) {
    return outside.resolve(relativeToOutside).toString();
  }

  private ExtractionReport extract(TarBuilder tar) throws IOException {
    return new LayerExtractor().extract(tar.stream(), root);
  }

  private ExtractionReport apply(TarBuilder tar) throws IOException {
    return new LayerApplier().applyTar(tar.stream(), root, null);
  }

  @Test
  void dotDotNameIsRefused() {
    assertThatThrownBy(() -> extract(new TarBuilder().file("../outside/secret", "pwned", 0644)))
        .isInstanceOf(UnsafeEntryException.class)
        .hasMessageContaining("../outside/secret")
        .hasMessageContaining("climbs out of the root");
  }

  @Test
  void dotDotHiddenInsideTheNameIsRefused() {
    assertThatThrownBy(
            () -> extract(new TarBuilder().dir("a/", 0755).file("a/../../x", "pwned", 0644)))
        .isInstanceOf(UnsafeEntryException.class)
        .hasMessageContaining("a/../../x");
  }

  @Test
  void absoluteNameIsExtractedInsideTheRootAndReported() throws IOException {
    ExtractionReport report = extract(new TarBuilder().file(abs("secret"), "pwned", 0644));

    assertThat(Files.readString(root.resolve(abs("secret").substring(1)))).isEqualTo("pwned");
    assertThat(report.neutralised()).singleElement().asString().contains(abs("secret"));
  }

  @Test
  void relativeSymlinkClimbingOutIsFollowedOnlyInsideTheRoot() throws IOException {
    extract(
        new TarBuilder()
            .symlink("escape", "../../../../../../outside")
            .file("escape/secret", "pwned", 0644));

    assertThat(Files.readString(root.resolve("outside/secret"))).isEqualTo("pwned");
  }

  @Test
  void absoluteSymlinkToTheHostIsFollowedOnlyInsideTheRoot() throws IOException {
    extract(
        new TarBuilder()
            .symlink("escape", outside.toString())
            .file("escape/secret", "pwned", 0644)
            .file("escape/dir/file", "pwned", 0644));

    Path mirrored = root.resolve(outside.toString().substring(1));
    assertThat(Files.readString(mirrored.resolve("secret"))).isEqualTo("pwned");
  }

  @Test
  void fileOverASymlinkReplacesTheSymlinkInsteadOfWritingThroughIt() throws IOException {
    extract(
        new TarBuilder()
            .symlink("secret", abs("secret"))
            .file("secret", "pwned", 0644)
            .symlink("dir", abs("dir"))
            .dir("dir/", 0777));

    assertThat(Files.isRegularFile(root.resolve("secret"), NOFOLLOW_LINKS)).isTrue();
    assertThat(Files.isDirectory(root.resolve("dir"), NOFOLLOW_LINKS)).isTrue();
  }

  @Test
  void symlinkChainsThatEndOutsideStayInside() throws IOException {
    extract(
        new TarBuilder()
            .dir("b/", 0755)
            .symlink("b/up", "../../..")
            .symlink("a", "b/up/" + outside.getFileName())
            .file("a/secret", "pwned", 0644));

    assertThat(Files.readString(root.resolve(outside.getFileName() + "/secret")))
        .isEqualTo("pwned");
  }

  @Test
  void symlinkLoopsFailInsteadOfSpinning() {
    assertThatThrownBy(
            () ->
                extract(
                    new TarBuilder().symlink("a", "b").symlink("b", "a").file("a/file", "x", 0644)))
        .hasMessageContaining("too many levels of symbolic links");
  }

  @Test
  void hardLinkClimbingOutIsRefused() {
    assertThatThrownBy(() -> extract(new TarBuilder().hardlink("h", "../outside/secret")))
        .isInstanceOf(UnsafeEntryException.class)
        .hasMessageContaining("\"h\"");
  }

  @Test
  void hardLinkToAnAbsoluteHostPathNeverLinksTheHostFile() throws IOException {
    ExtractionReport report = extract(new TarBuilder().hardlink("h", abs("secret")));

    // Taken inside the root, where no such file exists: recorded as a link into a lower layer.
    assertThat(report.changes().lowerLinks())
        .containsExactly(new LayerChanges.LowerLink("h", abs("secret").substring(1)));
    assertThat(Files.exists(root.resolve("h"), NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void hardLinkDownASymlinkAndOutFailsWhenApplying() {
    assertThatThrownBy(
            () ->
                apply(
                    new TarBuilder()
                        .symlink("d", "../../../..")
                        .hardlink("x", "d" + abs("secret"))))
        .hasMessageContaining("\"x\"")
        .hasMessageContaining("does not exist in the root");
  }

  @Test
  void hardLinkToASymlinkLinksTheSymlinkItselfAndAReplacingFileStaysInside() throws IOException {
    extract(
        new TarBuilder().symlink("s", abs("secret")).hardlink("h", "s").file("h", "pwned", 0644));

    assertThat(Files.isSymbolicLink(root.resolve("s"))).isTrue();
    assertThat(Files.readString(root.resolve("h"))).isEqualTo("pwned");
  }

  @Test
  void writingOverAHardLinkDoesNotChangeItsTarget() throws IOException {
    extract(
        new TarBuilder()
            .file("original", "safe", 0644)
            .hardlink("h", "original")
            .file("h", "pwned", 0644));

    assertThat(Files.readString(root.resolve("original"))).isEqualTo("safe");
  }

  @Test
  void hardLinkToADirectoryIsRefused() {
    assertThatThrownBy(() -> extract(new TarBuilder().dir("d/", 0755).hardlink("h", "d")))
        .isInstanceOf(UnsafeEntryException.class)
        .hasMessageContaining("directory");
  }

  @Test
  void whiteoutClimbingOutIsRefused() {
    assertThatThrownBy(() -> apply(new TarBuilder().file("../.wh.secret", "", 0644)))
        .isInstanceOf(UnsafeEntryException.class);
    assertThatThrownBy(() -> apply(new TarBuilder().file(".wh..", "", 0644)))
        .isInstanceOf(UnsafeEntryException.class)
        .hasMessageContaining("whiteout");
    assertThatThrownBy(() -> apply(new TarBuilder().file("d/.wh.", "", 0644)))
        .isInstanceOf(UnsafeEntryException.class);
  }

  @Test
  void whiteoutThroughASymlinkToTheHostRemovesNothingOutside() throws IOException {
    apply(new TarBuilder().symlink("link", outside.toString()));
    apply(new TarBuilder().whiteout("link", "secret").whiteout("link", "dir"));

    assertThat(Files.isSymbolicLink(root.resolve("link"))).isTrue();
  }

  @Test
  void whiteoutOfASymlinkRemovesTheLinkNotItsTarget() throws IOException {
    apply(new TarBuilder().symlink("s", outside.toString()).symlink("f", abs("secret")));
    apply(new TarBuilder().whiteout("", "s").whiteout("", "f"));

    assertThat(Files.exists(root.resolve("s"), NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.exists(root.resolve("f"), NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void opaqueWhiteoutThroughSymlinksRemovesOnlyInsideTheRoot() throws IOException {
    apply(
        new TarBuilder()
            .symlink("link", outside.toString())
            .dir("d/", 0755)
            .symlink("d/s", outside.toString())
            .symlink("d/f", abs("secret")));
    apply(new TarBuilder().opaque("link").opaque("d"));

    try (var children = Files.list(root.resolve("d"))) {
      assertThat(children).isEmpty();
    }
  }

  @Test
  void rootCannotBeReplacedByASymlink() {
    assertThatThrownBy(() -> extract(new TarBuilder().symlink(".", outside.toString())))
        .isInstanceOf(UnsafeEntryException.class)
        .hasMessageContaining("root directory");
    assertThatThrownBy(() -> extract(new TarBuilder().symlink("./", outside.toString())))
        .isInstanceOf(UnsafeEntryException.class);
  }

  @Test
  void modeChangeAimedThroughASymlinkNeverReachesTheHost() throws IOException {
    // CVE-2021-32760: a later entry for the same name must not chmod what the symlink points to.
    apply(new TarBuilder().symlink("secret", abs("secret")).symlink("dir", abs("dir")));
    apply(new TarBuilder().file("secret", "x", 04777).dir("dir/", 0777));

    assertThat(Files.isRegularFile(root.resolve("secret"), NOFOLLOW_LINKS)).isTrue();
  }

  @Test
  void symlinkPlantedByAnEarlierLayerIsNotWrittenThrough() throws IOException {
    apply(new TarBuilder().symlink("etc", outside.toString()).symlink("passwd", abs("secret")));
    apply(new TarBuilder().file("etc/secret", "pwned", 0644).file("passwd", "pwned", 0644));

    assertThat(Files.readString(root.resolve(outside.toString().substring(1) + "/secret")))
        .isEqualTo("pwned");
    assertThat(Files.isRegularFile(root.resolve("passwd"), NOFOLLOW_LINKS)).isTrue();
  }

  @Test
  void symlinkPlantedByAnEarlierLayerIsNotWrittenThroughWhenApplyingDiffs() throws IOException {
    Path diffs = Files.createDirectory(root.resolveSibling("root-diffs"));
    try {
      Path lower = Files.createDirectory(diffs.resolve("lower"));
      Path upper = Files.createDirectory(diffs.resolve("upper"));
      LayerChanges lowerChanges =
          new LayerExtractor()
              .extract(new TarBuilder().symlink("etc", outside.toString()).stream(), lower)
              .changes();
      LayerChanges upperChanges =
          new LayerExtractor()
              .extract(new TarBuilder().file("etc/secret", "pwned", 0644).stream(), upper)
              .changes();

      new LayerApplier().applyDiff(lower, lowerChanges, root);
      new LayerApplier().applyDiff(upper, upperChanges, root);

      assertThat(Files.readString(root.resolve(outside.toString().substring(1) + "/secret")))
          .isEqualTo("pwned");
    } finally {
      deleteTree(diffs);
    }
  }

  @Test
  void parentThatIsAFileFailsWithTheEntryName() {
    assertThatThrownBy(
            () -> extract(new TarBuilder().file("f", "x", 0644).file("f/child", "y", 0644)))
        .hasMessageContaining("f/child")
        .hasMessageContaining("not a directory");
  }

  @Test
  void nulInANameIsRefused() {
    assertThatThrownBy(() -> EntryName.clean("a\0/b", "a\0/b"))
        .isInstanceOf(UnsafeEntryException.class);
  }

  @Test
  void declaredSizeAboveTheLimitFailsBeforeWriting() {
    var limits = new ExtractionLimits(1 << 20, 1000, 100, 0);
    assertThatThrownBy(
            () ->
                new LayerExtractor(limits)
                    .extract(new TarBuilder().zeros("big", 2 << 20).stream(), root))
        .isInstanceOf(ExpansionLimitException.class)
        .hasMessageContaining("big");
    assertThat(Files.exists(root.resolve("big"))).isFalse();
  }

  @Test
  void streamBeyondTheLimitFails() {
    var limits = new ExtractionLimits(1 << 20, 1000, 100, 0);
    TarBuilder tar = new TarBuilder();
    for (int i = 0; i < 20; i++) {
      tar.zeros("f" + i, 100_000);
    }
    assertThatThrownBy(() -> new LayerExtractor(limits).extract(tar.stream(), root))
        .isInstanceOf(ExpansionLimitException.class)
        .hasMessageContaining("limit");
  }

  @Test
  void tooManyEntriesFail() {
    var limits = new ExtractionLimits(1 << 30, 50, 100, 0);
    TarBuilder tar = new TarBuilder();
    for (int i = 0; i < 60; i++) {
      tar.file("f" + i, "", 0644);
    }
    assertThatThrownBy(() -> new LayerExtractor(limits).extract(tar.stream(), root))
        .isInstanceOf(ExpansionLimitException.class)
        .hasMessageContaining("more than 50 entries");
  }

  @Test
  void compressionRatioAboveTheLimitIsADecompressionBomb() throws IOException {
    byte[] tar = new TarBuilder().zeros("zeros", 32 << 20).bytes();
    var compressed = new java.io.ByteArrayOutputStream();
    try (var gzip = new java.util.zip.GZIPOutputStream(compressed)) {
      gzip.write(tar);
    }
    var counting = new CountingStream(new ByteArrayInputStream(compressed.toByteArray()));
    var limits = new ExtractionLimits(1L << 40, 1000, 200, 1 << 20);

    assertThatThrownBy(
            () ->
                new LayerExtractor(limits)
                    .extract(new java.util.zip.GZIPInputStream(counting), root, counting::count))
        .isInstanceOf(ExpansionLimitException.class)
        .hasMessageContaining("decompression bomb");
  }

  @Test
  void deviceNodesAreSkippedWhenNotPrivileged() throws IOException {
    ExpansionBudget budget = new ExpansionBudget(ExtractionLimits.defaults(), null);
    RootWriter writer = new RootWriter(root, RootWriter.Whiteouts.RECORD, budget, false);
    ExtractionReport report =
        TarLayerReader.read(
            new TarBuilder().blockDevice("sda", 8, 0).charDevice("mem", 1, 1).stream(),
            writer,
            budget);

    assertThat(report.skipped()).hasSize(2).allMatch(line -> line.contains("device node"));
    try (var children = Files.list(root)) {
      assertThat(children).isEmpty();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** Counts compressed bytes consumed, as the pull pipeline does for the ratio bound. */
  private static final class CountingStream extends java.io.FilterInputStream {
    private long count;

    CountingStream(java.io.InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    long count() {
      return count;
    }
  }
}
