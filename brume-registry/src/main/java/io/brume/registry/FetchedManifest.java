package io.brume.registry;

import io.brume.oci.Digest;
import io.brume.oci.ImageIndex;
import io.brume.oci.ImageManifest;
import io.brume.oci.MediaType;

/**
 * A manifest or index exactly as the registry served it, with its verified digest and media type.
 *
 * @param bytes the raw document (its digest identifies it; store these bytes, not a re-encoding)
 * @param digest the digest of {@code bytes}
 * @param mediaType the document's media type
 */
public record FetchedManifest(byte[] bytes, Digest digest, String mediaType) {

  /** Whether this is an index or manifest list. */
  public boolean isIndex() {
    return MediaType.isIndex(mediaType);
  }

  /** Parses the document as a single-platform manifest. */
  public ImageManifest manifest() {
    return ImageManifest.parse(bytes);
  }

  /** Parses the document as an index. */
  public ImageIndex index() {
    return ImageIndex.parse(bytes);
  }
}
