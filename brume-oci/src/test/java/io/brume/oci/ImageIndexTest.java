package io.brume.oci;

import static io.brume.oci.ManifestParsingTest.D1;
import static io.brume.oci.ManifestParsingTest.D2;
import static io.brume.oci.ManifestParsingTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageIndexTest {

  static final String D4 = "sha256:" + "4".repeat(64);
  static final String D5 = "sha256:" + "5".repeat(64);

  static final String LIST =
      """
      {'schemaVersion': 2,
       'mediaType': 'application/vnd.docker.distribution.manifest.list.v2+json',
       'manifests': [
         {'mediaType': 'application/vnd.docker.distribution.manifest.v2+json', 'size': 1,
          'digest': 'D1', 'platform': {'architecture': 'amd64', 'os': 'linux'}},
         {'mediaType': 'application/vnd.docker.distribution.manifest.v2+json', 'size': 2,
          'digest': 'D2', 'platform': {'architecture': 'arm', 'os': 'linux', 'variant': 'v6'}},
         {'mediaType': 'application/vnd.docker.distribution.manifest.v2+json', 'size': 3,
          'digest': 'D4', 'platform': {'architecture': 'arm', 'os': 'linux', 'variant': 'v7'}},
         {'mediaType': 'application/vnd.docker.distribution.manifest.v2+json', 'size': 4,
          'digest': 'D5', 'platform': {'architecture': 'arm64', 'os': 'linux', 'variant': 'v8',
                                       'os.features': ['x']}}]}
      """
          .replace("D1", D1)
          .replace("D2", D2)
          .replace("D4", D4)
          .replace("D5", D5);

  @Test
  void selectsManifestPerPlatform() {
    ImageIndex index = ImageIndex.parse(json(LIST));
    assertThat(index.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_LIST);
    assertThat(index.manifestFor(Platform.parse("linux/amd64")).orElseThrow().digest())
        .hasToString(D1);
    assertThat(index.manifestFor(Platform.parse("linux/arm/v7")).orElseThrow().digest())
        .hasToString(D4);
    assertThat(index.manifestFor(Platform.parse("linux/arm/v6")).orElseThrow().digest())
        .hasToString(D2);
    assertThat(index.manifestFor(Platform.parse("linux/arm64")).orElseThrow().digest())
        .hasToString(D5);
    assertThat(index.manifestFor(Platform.parse("linux/s390x"))).isEmpty();
    assertThat(index.platforms())
        .extracting(Platform::toString)
        .containsExactly("linux/amd64", "linux/arm/v6", "linux/arm/v7", "linux/arm64/v8");
  }

  @Test
  void skipsAttestationsAndEntriesWithoutPlatform() {
    ImageIndex index =
        new ImageIndex(
            MediaType.OCI_INDEX,
            List.of(
                Descriptor.of(MediaType.OCI_MANIFEST, Digest.parse(D1), 1),
                Descriptor.of("application/vnd.in-toto+json", Digest.parse(D2), 1)
                    .withPlatform(Platform.of("linux", "amd64")),
                Descriptor.of(MediaType.OCI_MANIFEST, Digest.parse(D4), 1)
                    .withPlatform(Platform.of("linux", "amd64"))),
            Map.of());
    assertThat(index.manifestFor(Platform.parse("linux/amd64")).orElseThrow().digest())
        .hasToString(D4);
  }

  @Test
  void roundTripsThroughJson() {
    ImageIndex index = ImageIndex.parse(json(LIST));
    assertThat(ImageIndex.parse(index.toJson())).isEqualTo(index);
  }

  // Modelled on image-spec schema/index_test.go.
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "{'manifests':[]}|missing field 'schemaVersion'",
        "{'schemaVersion':2}|missing field 'manifests'",
        "{'schemaVersion':2,'manifests':[{'mediaType':'a/b','size':1}]}|missing field 'manifests[0].digest'",
        "{'schemaVersion':2,'manifests':[{'mediaType':'a/b','size':1,'digest':'D1','platform':{'os':'linux'}}]}|missing field 'manifests[0].platform.architecture'",
        "{'schemaVersion':2,'manifests':[{'mediaType':'a/b','size':1,'digest':'D1','platform':'linux'}]}|'manifests[0].platform' must be an object",
        "{'schemaVersion':2,'manifests':[{'mediaType':'a/b','size':1,'digest':'D1','urls':'x'}]}|'manifests[0].urls' must be an array",
      })
  void rejectsInvalidIndexesNamingTheField(String document, String message) {
    byte[] bytes = json(document.replace("D1", D1));
    assertThatThrownBy(() -> ImageIndex.parse(bytes))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageStartingWith("index: ")
        .hasMessageContaining(message);
  }

  @Test
  void rejectsManifestMediaType() {
    byte[] bytes =
        json("{'schemaVersion':2,'mediaType':'" + MediaType.OCI_MANIFEST + "','manifests':[]}");
    assertThatThrownBy(() -> ImageIndex.parse(bytes))
        .isInstanceOf(UnsupportedMediaTypeException.class)
        .hasMessageContaining("unsupported index media type");
  }
}
