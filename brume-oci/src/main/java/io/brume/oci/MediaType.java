package io.brume.oci;

import java.util.Locale;
import java.util.Set;

/**
 * Media types of Docker schema 2 and OCI image content, and what they imply for pulling.
 *
 * <p>Layer types map to a {@link Compression}; anything else is rejected with an error naming the
 * type instead of being guessed at.
 */
public final class MediaType {

  /** Docker image manifest, schema 2. */
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  /** Docker manifest list (multi-platform). */
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  /** Docker image config. */
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

  /** Docker gzip layer. */
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** Docker uncompressed layer (rare, but accepted by the Docker daemon). */
  public static final String DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";

  /** Docker zstd layer, as written by BuildKit with {@code compression=zstd}. */
  public static final String DOCKER_LAYER_ZSTD =
      "application/vnd.docker.image.rootfs.diff.tar.zstd";

  /** Docker foreign (Windows base) layer, gzip. */
  public static final String DOCKER_FOREIGN_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  /** OCI image manifest. */
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  /** OCI image index. */
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  /** OCI image config. */
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

  /** OCI uncompressed layer. */
  public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";

  /** OCI gzip layer. */
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** OCI zstd layer. */
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

  /** OCI non-distributable layer (deprecated by the spec, still found in the wild). */
  public static final String OCI_NONDISTRIBUTABLE_LAYER_TAR =
      "application/vnd.oci.image.layer.nondistributable.v1.tar";

  /** OCI non-distributable gzip layer. */
  public static final String OCI_NONDISTRIBUTABLE_LAYER_GZIP =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

  /** OCI non-distributable zstd layer. */
  public static final String OCI_NONDISTRIBUTABLE_LAYER_ZSTD =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";

  /** The manifest and index types a puller understands (the Accept header of manifest requests). */
  public static final Set<String> MANIFEST_TYPES =
      Set.of(OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST);

  /** How a layer blob is compressed. */
  public enum Compression {
    /** A plain tar stream. */
    NONE,
    /** gzip (RFC 1952). */
    GZIP,
    /** Zstandard (RFC 8878). */
    ZSTD
  }

  private MediaType() {}

  /**
   * The compression of a layer of media type {@code mediaType}.
   *
   * @throws UnsupportedMediaTypeException naming the type when it is not a known layer type
   */
  public static Compression layerCompression(String mediaType) {
    String type = essence(mediaType);
    return switch (type) {
      case OCI_LAYER_TAR, OCI_NONDISTRIBUTABLE_LAYER_TAR, DOCKER_LAYER_TAR -> Compression.NONE;
      case OCI_LAYER_GZIP,
          OCI_NONDISTRIBUTABLE_LAYER_GZIP,
          DOCKER_LAYER_GZIP,
          DOCKER_FOREIGN_LAYER_GZIP ->
          Compression.GZIP;
      case OCI_LAYER_ZSTD, OCI_NONDISTRIBUTABLE_LAYER_ZSTD, DOCKER_LAYER_ZSTD -> Compression.ZSTD;
      default -> throw new UnsupportedMediaTypeException(mediaType, "layer");
    };
  }

  /** Whether {@code mediaType} is an OCI index or a Docker manifest list. */
  public static boolean isIndex(String mediaType) {
    String type = essence(mediaType);
    return type.equals(OCI_INDEX) || type.equals(DOCKER_MANIFEST_LIST);
  }

  /** Whether {@code mediaType} is a single-platform OCI or Docker schema 2 manifest. */
  public static boolean isManifest(String mediaType) {
    String type = essence(mediaType);
    return type.equals(OCI_MANIFEST) || type.equals(DOCKER_MANIFEST);
  }

  /** Whether {@code mediaType} is an OCI or Docker image config. */
  public static boolean isConfig(String mediaType) {
    String type = essence(mediaType);
    return type.equals(OCI_CONFIG) || type.equals(DOCKER_CONFIG);
  }

  /**
   * The type without parameters or surrounding blanks, lowercased ({@code "A/B+json;
   * charset=utf-8"} → {@code "a/b+json"}), as registries may add parameters to Content-Type.
   */
  public static String essence(String mediaType) {
    if (mediaType == null) {
      return "";
    }
    int semicolon = mediaType.indexOf(';');
    String type = semicolon < 0 ? mediaType : mediaType.substring(0, semicolon);
    return type.strip().toLowerCase(Locale.ROOT);
  }
}
