package io.brume.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManifestParsingTest {

  static final String D1 = "sha256:" + "1".repeat(64);
  static final String D2 = "sha256:" + "2".repeat(64);
  static final String D3 = "sha512:" + "3".repeat(128);

  static byte[] json(String text) {
    return text.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }

  static final String DOCKER_MANIFEST =
      """
      {'schemaVersion': 2,
       'mediaType': 'application/vnd.docker.distribution.manifest.v2+json',
       'config': {'mediaType': 'application/vnd.docker.container.image.v1+json',
                  'size': 1469, 'digest': 'D1'},
       'layers': [
         {'mediaType': 'application/vnd.docker.image.rootfs.diff.tar.gzip',
          'size': 3623807, 'digest': 'D2'},
         {'mediaType': 'application/vnd.oci.image.layer.v1.tar+zstd',
          'size': 12, 'digest': 'D3', 'urls': ['https://example.com/l'],
          'annotations': {'a': 'b'}}],
       'futureField': {'ignored': true}}
      """
          .replace("D1", D1)
          .replace("D2", D2)
          .replace("D3", D3);

  @Test
  void parsesDockerSchema2Manifest() {
    ImageManifest manifest = ImageManifest.parse(json(DOCKER_MANIFEST));
    assertThat(manifest.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST);
    assertThat(manifest.config().digest()).isEqualTo(Digest.parse(D1));
    assertThat(manifest.config().size()).isEqualTo(1469);
    assertThat(manifest.layers()).hasSize(2);
    assertThat(manifest.layers().get(1).digest().algorithm()).isEqualTo("sha512");
    assertThat(manifest.layers().get(1).urls()).containsExactly("https://example.com/l");
    assertThat(manifest.layers().get(1).annotations()).containsEntry("a", "b");
  }

  @Test
  void ociManifestWithoutMediaTypeDefaultsToOci() {
    ImageManifest manifest =
        ImageManifest.parse(
            json(
                "{'schemaVersion':2,'config':{'mediaType':'application/vnd.oci.image.config.v1+json',"
                    + "'size':2,'digest':'"
                    + D1
                    + "'},'layers':[]}"));
    assertThat(manifest.mediaType()).isEqualTo(MediaType.OCI_MANIFEST);
    assertThat(manifest.layers()).isEmpty();
  }

  @Test
  void roundTripsThroughJson() {
    ImageManifest manifest = ImageManifest.parse(json(DOCKER_MANIFEST));
    assertThat(ImageManifest.parse(manifest.toJson())).isEqualTo(manifest);
    ImageManifest built =
        new ImageManifest(
            MediaType.OCI_MANIFEST,
            Descriptor.of(MediaType.OCI_CONFIG, Digest.parse(D1), 10),
            List.of(Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.parse(D2), 20)),
            Map.of("org.opencontainers.image.title", "x"));
    assertThat(ImageManifest.parse(built.toJson())).isEqualTo(built);
  }

  // Cases modelled on image-spec schema/manifest_test.go: each breaks one rule and the error names
  // the rule's field.
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "{'schemaVersion':2,'layers':[]}|missing field 'config'",
        "{'config':{},'layers':[]}|missing field 'schemaVersion'",
        "{'schemaVersion':1,'config':{},'layers':[]}|'schemaVersion' must be 2",
        "{'schemaVersion':'2','config':{},'layers':[]}|'schemaVersion' must be an integer",
        "{'schemaVersion':2,'config':{'size':1,'digest':'D1'},'layers':[]}|missing field 'config.mediaType'",
        "{'schemaVersion':2,'config':{'mediaType':'a/b','size':1},'layers':[]}|missing field 'config.digest'",
        "{'schemaVersion':2,'config':{'mediaType':'a/b','digest':'D1'},'layers':[]}|missing field 'config.size'",
        "{'schemaVersion':2,'config':{'mediaType':'a/b','digest':'D1','size':-1},'layers':[]}|'config.size' must not be negative",
        "{'schemaVersion':2,'config':{'mediaType':'a/b','digest':'D1','size':1.5},'layers':[]}|'config.size' must be an integer",
        "{'schemaVersion':2,'config':{'mediaType':'a/b','digest':'sha256:xyz','size':1},'layers':[]}|'config.digest' is not a valid digest",
        "{'schemaVersion':2,'config':{'mediaType':'invalid','digest':'D1','size':1},'layers':[]}|'config.mediaType' is not a valid media type",
        "{'schemaVersion':2,'config':{'mediaType':'a/b','digest':'D1','size':1}}|missing field 'layers'",
        "{'schemaVersion':2,'config':{'mediaType':'a/b','digest':'D1','size':1},'layers':{}}|'layers' must be an array",
        "{'schemaVersion':2,'config':{'mediaType':'a/b','digest':'D1','size':1},'layers':[7]}|'layers[0]' must be an object",
        "{'schemaVersion':2,'config':{'mediaType':'a/b','digest':'D1','size':1},'layers':[{'mediaType':'a/b','size':1}]}|missing field 'layers[0].digest'",
        "{'schemaVersion':2,'config':{'mediaType':'a/b','digest':'D1','size':1},'layers':[],'annotations':{'k':1}}|'annotations.k' must be a string",
        "{'schemaVersion':2,'config':{'mediaType':'a/b','digest':'D1','size':1},'layers':[],'manifests':[]}|belongs to an index",
        "{'schemaVersion':2,'schemaVersion':2,'config':{'mediaType':'a/b','digest':'D1','size':1},'layers':[]}|not valid JSON",
        "[]|expected a JSON object",
        "{'schemaVersion':2,|not valid JSON",
      })
  void rejectsInvalidManifestsNamingTheField(String document, String message) {
    byte[] bytes = json(document.replace("D1", D1));
    assertThatThrownBy(() -> ImageManifest.parse(bytes))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageStartingWith("manifest: ")
        .hasMessageContaining(message);
  }

  @Test
  void rejectsIndexMediaTypeAsManifest() {
    byte[] bytes =
        json("{'schemaVersion':2,'mediaType':'" + MediaType.OCI_INDEX + "','manifests':[]}");
    assertThatThrownBy(() -> ImageManifest.parse(bytes))
        .isInstanceOf(UnsupportedMediaTypeException.class)
        .hasMessageContaining(MediaType.OCI_INDEX);
  }

  @Test
  void rejectsEmptyInput() {
    assertThatThrownBy(() -> ImageManifest.parse(new byte[0]))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageStartingWith("manifest: ");
  }
}
