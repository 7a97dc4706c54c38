package io.brume.unpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Layer tars come from registries: whatever the bytes, extraction either succeeds or fails with an
 * {@link IOException}, never writes outside the layer's directory and ends quickly (limits small
 * enough that a hostile size cannot make a try slow); a tar of ordinary files extracts to exactly
 * those files.
 */
class TarReaderPropertyTest {
  private static final Duration BOUND = Duration.ofSeconds(5);
  private static final ExtractionLimits SMALL = new ExtractionLimits(8 << 20, 1_000, 100, 1 << 20);

  private Path sandbox;

  @BeforeProperty
  void createSandbox() throws IOException {
    sandbox = Files.createTempDirectory("hostile-input-tar-");
  }

  @AfterProperty
  void deleteSandbox() throws IOException {
    deleteTree(sandbox);
  }

  @Property(tries = 100)
  void arbitraryBytesExtractOrFailWithIOException(@ForAll @Size(max = 3072) byte[] bytes)
      throws IOException {
    extractsOrRejects(bytes);
  }

  @Property(tries = 120)
  void damagedTarsExtractOrFailWithIOException(
      @ForAll("files") Map<String, byte[]> files,
      @ForAll @IntRange(min = 0, max = 1 << 16) int at,
      @ForAll @Size(min = 1, max = 16) byte[] damage,
      @ForAll boolean truncate)
      throws IOException {
    byte[] tar = tarOf(files);
    int position = at % tar.length;
    byte[] damaged = truncate ? java.util.Arrays.copyOf(tar, position) : tar.clone();
    if (!truncate) {
      System.arraycopy(
          damage, 0, damaged, position, Math.min(damage.length, tar.length - position));
    }
    extractsOrRejects(damaged);
  }

  @Property(tries = 100)
  void ordinaryFilesExtractToThemselves(@ForAll("files") Map<String, byte[]> files)
      throws IOException {
    Path diff = Files.createDirectory(Files.createTempDirectory(sandbox, "try").resolve("diff"));
    new LayerExtractor(SMALL, 0).extract(new ByteArrayInputStream(tarOf(files)), diff);
    Map<String, byte[]> extracted = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(diff)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        extracted.put(diff.relativize(file).toString(), Files.readAllBytes(file));
      }
    }
    assertThat(extracted).containsOnlyKeys(files.keySet());
    files.forEach((name, content) -> assertThat(extracted.get(name)).isEqualTo(content));
  }

  private void extractsOrRejects(byte[] tar) throws IOException {
    Path parent = Files.createTempDirectory(sandbox, "try");
    Path diff = Files.createDirectory(parent.resolve("diff"));
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          try {
            new LayerExtractor(SMALL, 0).extract(new ByteArrayInputStream(tar), diff);
          } catch (IOException rejected) {
            assertThat(rejected.getMessage()).isNotBlank();
          }
        });
    try (Stream<Path> beside = Files.list(parent)) {
      assertThat(beside).containsExactly(diff); // nothing written next to the layer's directory
    }
  }

  private static byte[] tarOf(Map<String, byte[]> files) {
    TarBuilder tar = new TarBuilder();
    files.forEach((name, content) -> tar.file(name, content, 0644));
    return tar.bytes();
  }

  /** Ordinary files in distinct directories-free names (a name is never another's parent). */
  @Provide
  Arbitrary<Map<String, byte[]>> files() {
    Arbitrary<String> names =
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .numeric()
            .withChars("._-")
            .ofMinLength(1)
            .ofMaxLength(20)
            .filter(n -> !n.equals(".") && !n.equals("..") && !n.startsWith(".wh."))
            .list()
            .ofMinSize(1)
            .ofMaxSize(3)
            .map(parts -> String.join("/", parts));
    Arbitrary<byte[]> contents = Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
    return Arbitraries.maps(names, contents)
        .ofMinSize(1)
        .ofMaxSize(6)
        .filter(
            m ->
                m.keySet().stream()
                    .noneMatch(a -> m.keySet().stream().anyMatch(b -> b.startsWith(a + "/"))))
        .map(TreeMap::new);
  }

  private static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        p.toFile().setWritable(true);
        Files.deleteIfExists(p);
      }
    }
  }
}
