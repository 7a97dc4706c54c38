package io.brume.testing;

import io.brume.oci.Descriptor;
import io.brume.oci.Digest;
import io.brume.oci.ImageIndex;
import io.brume.oci.MediaType;
import java.util.List;
import java.util.Map;

/**
 * A multi-platform index (OCI) or manifest list (Docker) over generated images; each entry carries
 * its image's config platform.
 *
 * @param images the images, in index order
 * @param index the index
 * @param indexBytes the index as pushed
 */
public record TestIndex(List<TestImage> images, ImageIndex index, byte[] indexBytes) {

  /** Copies the list. */
  public TestIndex {
    images = List.copyOf(images);
  }

  /** An OCI index, or a Docker manifest list when {@code docker}. */
  public static TestIndex of(boolean docker, List<TestImage> images) {
    List<Descriptor> manifests =
        images.stream()
            .map(image -> image.manifestDescriptor().withPlatform(image.config().platform()))
            .toList();
    ImageIndex index =
        new ImageIndex(
            docker ? MediaType.DOCKER_MANIFEST_LIST : MediaType.OCI_INDEX, manifests, Map.of());
    return new TestIndex(images, index, index.toJson());
  }

  /** The digest of {@link #indexBytes()}. */
  public Digest digest() {
    return Digest.sha256(indexBytes);
  }
}
