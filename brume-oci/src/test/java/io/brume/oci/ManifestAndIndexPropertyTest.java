package io.brume.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Manifests and indexes come from registries, i.e. from the network: whatever the bytes, parsing
 * either returns a valid document or fails with an {@link IllegalArgumentException} (the {@link
 * InvalidContentException} family), quickly; a document written by brume parses back to itself.
 */
class ManifestAndIndexPropertyTest {
  private static final Duration BOUND = Duration.ofSeconds(2);

  @Property(tries = 300)
  void arbitraryBytesAreAManifestOrRejected(@ForAll @Size(max = 2048) byte[] bytes) {
    parsesOrRejects(bytes, ImageManifest::parse);
    parsesOrRejects(bytes, ImageIndex::parse);
  }

  @Property(tries = 300)
  void mutatedDocumentsAreValidOrRejected(
      @ForAll("manifests") ImageManifest manifest,
      @ForAll("indexes") ImageIndex index,
      @ForAll("mutations") Function<byte[], byte[]> mutation) {
    ImageManifest parsedManifest =
        parsesOrRejects(mutation.apply(manifest.toJson()), ImageManifest::parse);
    if (parsedManifest != null) {
      assertThat(MediaType.isManifest(parsedManifest.mediaType())).isTrue();
      parsedManifest.layers().forEach(layer -> assertThat(layer.size()).isNotNegative());
    }
    ImageIndex parsedIndex = parsesOrRejects(mutation.apply(index.toJson()), ImageIndex::parse);
    if (parsedIndex != null) {
      assertThat(MediaType.isIndex(parsedIndex.mediaType())).isTrue();
    }
  }

  @Property(tries = 200)
  void manifestsRoundTrip(@ForAll("manifests") ImageManifest manifest) {
    assertThat(ImageManifest.parse(manifest.toJson())).isEqualTo(manifest);
  }

  @Property(tries = 200)
  void indexesRoundTrip(@ForAll("indexes") ImageIndex index) {
    assertThat(ImageIndex.parse(index.toJson())).isEqualTo(index);
  }

  @Property(tries = 100)
  void aManifestIsNeverAnIndexAndViceVersa(
      @ForAll("manifests") ImageManifest manifest, @ForAll("indexes") ImageIndex index) {
    assertThat(parsesOrRejects(manifest.toJson(), ImageIndex::parse)).isNull();
    assertThat(parsesOrRejects(index.toJson(), ImageManifest::parse)).isNull();
  }

  /** The document, or null when rejected; any other outcome (or taking too long) fails. */
  private static <T> T parsesOrRejects(byte[] bytes, Function<byte[], T> parser) {
    return assertTimeoutPreemptively(
        BOUND,
        () -> {
          try {
            return parser.apply(bytes);
          } catch (IllegalArgumentException rejected) {
            assertThat(rejected.getMessage()).isNotBlank();
            return null;
          }
        });
  }

  @Provide
  Arbitrary<ImageManifest> manifests() {
    return Combinators.combine(
            Arbitraries.of(MediaType.OCI_MANIFEST, MediaType.DOCKER_MANIFEST),
            descriptors(),
            descriptors().list().ofMaxSize(5),
            annotations())
        .as(ImageManifest::new);
  }

  @Provide
  Arbitrary<ImageIndex> indexes() {
    Arbitrary<Descriptor> platformed =
        Combinators.combine(descriptors(), platforms()).as(Descriptor::withPlatform);
    return Combinators.combine(
            Arbitraries.of(MediaType.OCI_INDEX, MediaType.DOCKER_MANIFEST_LIST),
            platformed.list().ofMaxSize(4),
            annotations())
        .as(ImageIndex::new);
  }

  private static Arbitrary<Descriptor> descriptors() {
    return Combinators.combine(
            Arbitraries.of(
                MediaType.OCI_LAYER_GZIP, MediaType.OCI_CONFIG, "application/vnd.example+json"),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(16).map(Digest::sha256),
            Arbitraries.longs().between(0, Long.MAX_VALUE),
            annotations())
        .as(
            (type, digest, size, notes) ->
                new Descriptor(type, digest, size, Optional.empty(), notes, List.of()));
  }

  private static Arbitrary<Platform> platforms() {
    return Combinators.combine(
            Arbitraries.of("linux", "windows"), Arbitraries.of("amd64", "arm64", "arm", "riscv64"))
        .as(Platform::of);
  }

  private static Arbitrary<Map<String, String>> annotations() {
    return Arbitraries.maps(
            Arbitraries.strings().ofMinLength(1).ofMaxLength(12),
            Arbitraries.strings().ofMaxLength(20))
        .ofMaxSize(3);
  }

  /** Small damage of the kinds a broken or hostile registry produces. */
  @Provide
  Arbitrary<Function<byte[], byte[]>> mutations() {
    Arbitrary<Function<byte[], byte[]>> truncate =
        Arbitraries.integers()
            .between(0, 400)
            .map(n -> b -> java.util.Arrays.copyOf(b, Math.min(n, b.length)));
    Arbitrary<Function<byte[], byte[]>> flip =
        Combinators.combine(Arbitraries.integers().between(0, 400), Arbitraries.bytes())
            .as(
                (at, value) ->
                    b -> {
                      byte[] copy = b.clone();
                      if (copy.length > 0) {
                        copy[at % copy.length] = value;
                      }
                      return copy;
                    });
    Arbitrary<Function<byte[], byte[]>> replace =
        Combinators.combine(
                Arbitraries.of(
                    "\"schemaVersion\":2",
                    "\"size\":",
                    "\"digest\":\"",
                    "\"mediaType\":\"",
                    "[",
                    "{"),
                Arbitraries.of(
                    "\"schemaVersion\":1",
                    "\"size\":-",
                    "\"digest\":\"md5:",
                    "\"mediaType\":\"x/",
                    "null,[",
                    "{\"manifests\":[],"))
            .as(
                (from, to) ->
                    b ->
                        new String(b, StandardCharsets.UTF_8)
                            .replaceFirst(
                                java.util.regex.Pattern.quote(from),
                                java.util.regex.Matcher.quoteReplacement(to))
                            .getBytes(StandardCharsets.UTF_8));
    return Arbitraries.oneOf(truncate, flip, replace);
  }
}
