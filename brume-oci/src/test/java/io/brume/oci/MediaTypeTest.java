package io.brume.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.oci.MediaType.Compression;
import org.junit.jupiter.api.Test;

class MediaTypeTest {

  @Test
  void mapsEveryLayerTypeToItsCompression() {
    assertThat(MediaType.layerCompression(MediaType.OCI_LAYER_TAR)).isEqualTo(Compression.NONE);
    assertThat(MediaType.layerCompression(MediaType.OCI_LAYER_GZIP)).isEqualTo(Compression.GZIP);
    assertThat(MediaType.layerCompression(MediaType.OCI_LAYER_ZSTD)).isEqualTo(Compression.ZSTD);
    assertThat(MediaType.layerCompression(MediaType.DOCKER_LAYER_GZIP)).isEqualTo(Compression.GZIP);
    assertThat(MediaType.layerCompression(MediaType.DOCKER_LAYER_TAR)).isEqualTo(Compression.NONE);
    assertThat(MediaType.layerCompression(MediaType.DOCKER_LAYER_ZSTD)).isEqualTo(Compression.ZSTD);
    assertThat(MediaType.layerCompression(MediaType.DOCKER_FOREIGN_LAYER_GZIP))
        .isEqualTo(Compression.GZIP);
    assertThat(MediaType.layerCompression(MediaType.OCI_NONDISTRIBUTABLE_LAYER_TAR))
        .isEqualTo(Compression.NONE);
    assertThat(MediaType.layerCompression(MediaType.OCI_NONDISTRIBUTABLE_LAYER_GZIP))
        .isEqualTo(Compression.GZIP);
    assertThat(MediaType.layerCompression(MediaType.OCI_NONDISTRIBUTABLE_LAYER_ZSTD))
        .isEqualTo(Compression.ZSTD);
  }

  @Test
  void ignoresParametersAndCase() {
    assertThat(MediaType.layerCompression("Application/VND.oci.image.layer.v1.tar+gzip; x=y"))
        .isEqualTo(Compression.GZIP);
    assertThat(MediaType.isManifest(MediaType.DOCKER_MANIFEST + "; charset=utf-8")).isTrue();
  }

  @Test
  void rejectsUnknownLayerTypesNamingThem() {
    String bzip = "application/vnd.oci.image.layer.v1.tar+bzip2";
    assertThatThrownBy(() -> MediaType.layerCompression(bzip))
        .isInstanceOf(UnsupportedMediaTypeException.class)
        .hasMessageContaining(bzip)
        .extracting(e -> ((UnsupportedMediaTypeException) e).mediaType())
        .isEqualTo(bzip);
    assertThatThrownBy(() -> MediaType.layerCompression(MediaType.OCI_CONFIG))
        .hasMessageContaining("layer media type");
  }

  @Test
  void classifiesManifestsIndexesAndConfigs() {
    assertThat(MediaType.isIndex(MediaType.OCI_INDEX)).isTrue();
    assertThat(MediaType.isIndex(MediaType.DOCKER_MANIFEST_LIST)).isTrue();
    assertThat(MediaType.isIndex(MediaType.OCI_MANIFEST)).isFalse();
    assertThat(MediaType.isManifest(MediaType.OCI_MANIFEST)).isTrue();
    assertThat(MediaType.isManifest(MediaType.DOCKER_MANIFEST_LIST)).isFalse();
    assertThat(MediaType.isConfig(MediaType.DOCKER_CONFIG)).isTrue();
    assertThat(MediaType.isConfig(null)).isFalse();
  }
}
