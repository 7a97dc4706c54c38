package io.brume.store;

import io.brume.oci.Digest;
import java.time.Instant;
import java.util.List;

/**
 * What the store knows about a pulled image, by reference.
 *
 * @param reference the normalised reference, for example {@code docker.io/library/alpine:3.20}
 * @param manifestDigest the digest of the platform manifest that was pulled
 * @param configDigest the image config blob
 * @param layers compressed layer blobs, base first
 * @param diffIds uncompressed layer digests (snapshot keys), base first
 * @param size total compressed size of config and layers
 * @param created when the record was written
 */
public record ImageRecord(
    String reference,
    Digest manifestDigest,
    Digest configDigest,
    List<Digest> layers,
    List<Digest> diffIds,
    long size,
    Instant created) {

  /** Copies the lists and checks they pair up. */
  public ImageRecord {
    layers = List.copyOf(layers);
    diffIds = List.copyOf(diffIds);
    if (layers.size() != diffIds.size()) {
      throw new IllegalArgumentException(
          "image "
              + reference
              + " has "
              + layers.size()
              + " layers but "
              + diffIds.size()
              + " diff ids");
    }
  }
}
