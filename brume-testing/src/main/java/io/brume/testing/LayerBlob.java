package io.brume.testing;

import io.brume.oci.Descriptor;
import io.brume.oci.Digest;
import io.brume.oci.MediaType;
import io.brume.oci.MediaType.Compression;

/**
 * A built layer: the blob as pushed and the tar it decompresses to.
 *
 * @param blob the (possibly compressed) bytes stored in the registry
 * @param tar the uncompressed tar
 * @param compression how {@code blob} is compressed
 * @param digest digest of {@code blob}
 * @param diffId digest of {@code tar}
 */
public record LayerBlob(
    byte[] blob, byte[] tar, Compression compression, Digest digest, Digest diffId) {

  /** The OCI media type of this layer. */
  public String ociMediaType() {
    return switch (compression) {
      case NONE -> MediaType.OCI_LAYER_TAR;
      case GZIP -> MediaType.OCI_LAYER_GZIP;
      case ZSTD -> MediaType.OCI_LAYER_ZSTD;
    };
  }

  /** The Docker media type of this layer. */
  public String dockerMediaType() {
    return switch (compression) {
      case NONE -> MediaType.DOCKER_LAYER_TAR;
      case GZIP -> MediaType.DOCKER_LAYER_GZIP;
      case ZSTD -> MediaType.DOCKER_LAYER_ZSTD;
    };
  }

  /** A descriptor with the OCI or Docker media type. */
  public Descriptor descriptor(boolean docker) {
    return Descriptor.of(docker ? dockerMediaType() : ociMediaType(), digest, blob.length);
  }
}
