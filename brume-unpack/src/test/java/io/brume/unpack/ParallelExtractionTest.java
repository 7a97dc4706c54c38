package io.brume.unpack;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extraction with writer threads must give exactly the tree of extraction on one thread, whatever
 * the order in which the writers finish: links made after their targets are complete, entries that
 * replace a file still being written, removals of directories with files in flight, and a writer's
 * failure that fails the extraction naming the entry.
 */
class ParallelExtractionTest {
  @TempDir Path base;

  /** A layer with everything that depends on the order of writes, mtimes deterministic. */
  private static byte[] orderSensitiveLayer() {
    Random random = new Random(42);
    TarBuilder tar = new TarBuilder().dir("./", 0755);
    for (int d = 0; d < 8; d++) {
      tar.dir("d" + d + "/", 0755);
      for (int f = 0; f < 60; f++) {
        byte[] content = new byte[random.nextInt(3) == 0 ? 200_000 : random.nextInt(5000)];
        random.nextBytes(content);
        String name = "d" + d + "/f" + f;
        tar.file(name, content, 0640 + (f % 8));
        if (f % 5 == 0) {
          // Linked right after it was handed to a writer.
          tar.hardlink(name + ".link", name);
        }
      }
    }
    byte[] large = new byte[3 << 20]; // written by the reader itself, between small files
    random.nextBytes(large);
    tar.file("d0/large", large, 0644)
        .hardlink("d1/large.link", "d0/large")
        // Replaced while (perhaps) still queued: the second one wins.
        .file("d2/f1", "replaced", 0600)
        // A directory full of files in flight replaced by a file, then by a directory again.
        .file("d3", "no longer a directory", 0644)
        .dir("d4/", 0700)
        .dir("d4/f2/", 0755)
        .file("d4/f2/inner", "f2 was a file", 0644)
        .symlink("d5/f3", "../d6")
        .dir("d7/", 0555);
    return tar.bytes();
  }

  private Map<String, String> extract(byte[] layer, int writerThreads, String name)
      throws IOException {
    Path root = Files.createDirectory(base.resolve(name));
    new LayerExtractor(ExtractionLimits.defaults(), writerThreads)
        .extract(new ByteArrayInputStream(layer), root, null);
    return TreeSnapshot.of(root, true, path -> true);
  }

  @Test
  void writerThreadsGiveTheTreeOfOneThread() throws IOException {
    byte[] layer = orderSensitiveLayer();

    Map<String, String> sequential = extract(layer, 0, "sequential");

    assertThat(sequential.get("d2/f1")).contains("size=8");
    assertThat(sequential.get("d3")).startsWith("mode=100644");
    assertThat(sequential.get("d1/large.link")).contains("nlink=2");
    for (int threads : new int[] {1, 2, 4}) {
      for (int run = 0; run < 3; run++) {
        assertThat(extract(layer, threads, "parallel-" + threads + "-" + run))
            .as("%d writer threads, run %d", threads, run)
            .isEqualTo(sequential);
      }
    }
  }

  @Test
  void hardLinksWaitForTheirTargetsContent() throws IOException {
    TarBuilder tar = new TarBuilder();
    for (int i = 0; i < 300; i++) {
      tar.file("f" + i, ("content " + i).repeat(100), 0644).hardlink("l" + i, "f" + i);
    }
    Path root = Files.createDirectory(base.resolve("links"));

    new LayerExtractor(ExtractionLimits.defaults(), 4)
        .extract(new ByteArrayInputStream(tar.bytes()), root, null);

    for (int i = 0; i < 300; i++) {
      Path link = root.resolve("l" + i);
      assertThat(Files.isSameFile(link, root.resolve("f" + i))).isTrue();
      assertThat(Files.readString(link)).isEqualTo(("content " + i).repeat(100));
      assertThat(Files.getAttribute(link, "unix:nlink", NOFOLLOW_LINKS)).isEqualTo(2);
    }
  }

  @Test
  void aWritersFailureFailsTheExtractionNamingTheEntry() throws IOException {
    // A name the file system refuses (ENAMETOOLONG) only when the file is created by a writer.
    String tooLong = "dir/" + "n".repeat(300);
    TarBuilder tar = new TarBuilder().dir("dir/", 0755);
    for (int i = 0; i < 50; i++) {
      tar.file("dir/before" + i, "x", 0644);
    }
    tar.file(tooLong, "y", 0644);
    for (int i = 0; i < 500; i++) {
      tar.file("dir/after" + i, "z", 0644);
    }
    Path root = Files.createDirectory(base.resolve("failing"));

    assertThatThrownBy(
            () ->
                new LayerExtractor(ExtractionLimits.defaults(), 2)
                    .extract(new ByteArrayInputStream(tar.bytes()), root, null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("n".repeat(300));

    // The extraction returned only after every writer stopped: nothing changes afterwards.
    Map<String, String> after = TreeSnapshot.of(root, true, path -> true);
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("brume-unpack-writer")))
        .allMatch(thread -> !thread.isAlive());
    assertThat(TreeSnapshot.of(root, true, path -> true)).isEqualTo(after);
  }

  @Test
  void unsafeEntryAfterQueuedFilesStopsTheWriters() throws IOException {
    TarBuilder tar = new TarBuilder();
    for (int i = 0; i < 200; i++) {
      tar.file("f" + i, "x".repeat(i), 0644);
    }
    tar.file("../escape", "out", 0644);
    Path root = Files.createDirectory(base.resolve("unsafe"));

    assertThatThrownBy(
            () ->
                new LayerExtractor(ExtractionLimits.defaults(), 4)
                    .extract(new ByteArrayInputStream(tar.bytes()), root, null))
        .isInstanceOf(UnsafeEntryException.class)
        .hasMessageContaining("../escape");

    assertThat(Files.exists(base.resolve("escape"))).isFalse();
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("brume-unpack-writer")))
        .allMatch(thread -> !thread.isAlive());
  }

  @Test
  void contentIsWrittenByteForByte() throws IOException {
    // Sizes around the chunk and hand-over boundaries.
    int[] sizes = {0, 1, 65_535, 65_536, 65_537, 1 << 20, (1 << 20) + 1, 300_000};
    TarBuilder tar = new TarBuilder();
    Random random = new Random(7);
    byte[][] contents = new byte[sizes.length][];
    for (int i = 0; i < sizes.length; i++) {
      contents[i] = new byte[sizes[i]];
      random.nextBytes(contents[i]);
      tar.file("s" + i, contents[i], 0644);
    }
    Path root = Files.createDirectory(base.resolve("sizes"));

    ExtractionReport report =
        new LayerExtractor(ExtractionLimits.defaults(), 2)
            .extract(new ByteArrayInputStream(tar.bytes()), root, null);

    for (int i = 0; i < sizes.length; i++) {
      assertThat(Files.readAllBytes(root.resolve("s" + i)))
          .as("size %d", sizes[i])
          .isEqualTo(contents[i]);
    }
    long total = 0;
    for (int size : sizes) {
      total += size;
    }
    assertThat(report.writtenBytes()).isEqualTo(total);
  }
}
