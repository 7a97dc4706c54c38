package io.brume.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A multi-platform index: OCI {@code application/vnd.oci.image.index.v1+json} or Docker manifest
 * list {@code application/vnd.docker.distribution.manifest.list.v2+json}.
 *
 * @param mediaType the index's media type (OCI index when the document omits it)
 * @param manifests the referenced manifests, usually one per platform
 * @param annotations arbitrary string metadata
 */
public record ImageIndex(
    String mediaType, List<Descriptor> manifests, Map<String, String> annotations) {

  private static final String DOCUMENT = "index";

  /** Validates and copies. */
  public ImageIndex {
    Objects.requireNonNull(mediaType, "mediaType");
    if (!MediaType.isIndex(mediaType)) {
      throw new UnsupportedMediaTypeException(mediaType, DOCUMENT);
    }
    manifests = List.copyOf(manifests);
    annotations = Map.copyOf(annotations);
  }

  /**
   * Parses and validates an index. Unknown fields are ignored.
   *
   * @throws InvalidContentException naming the missing or malformed field
   * @throws UnsupportedMediaTypeException when the document declares a non-index media type
   */
  public static ImageIndex parse(byte[] json) {
    JsonObject root = JsonObject.parse(json, DOCUMENT);
    SchemaVersion.require(root);
    String mediaType = root.optionalString("mediaType").orElse(MediaType.OCI_INDEX);
    if (!MediaType.isIndex(mediaType)) {
      throw new UnsupportedMediaTypeException(mediaType, DOCUMENT);
    }
    List<Descriptor> manifests =
        root.requiredObjects("manifests").stream().map(Descriptor::read).toList();
    return new ImageIndex(mediaType, manifests, root.optionalStringMap("annotations"));
  }

  /**
   * The first image manifest for {@code wanted} (see {@link Platform#matches}); entries without
   * platform, or of non-manifest types (nested indexes, attestations), are not candidates.
   */
  public Optional<Descriptor> manifestFor(Platform wanted) {
    return manifests.stream()
        .filter(d -> MediaType.isManifest(d.mediaType()))
        .filter(d -> d.platform().filter(wanted::matches).isPresent())
        .findFirst();
  }

  /** The platforms this index offers, in document order, for error messages and listings. */
  public List<Platform> platforms() {
    return manifests.stream().flatMap(d -> d.platform().stream()).toList();
  }

  /** The canonical JSON of this index. */
  public byte[] toJson() {
    ObjectNode node = JsonObject.newObject();
    node.put("schemaVersion", 2);
    node.put("mediaType", mediaType);
    ArrayNode array = node.putArray("manifests");
    manifests.forEach(m -> array.add(m.toJson()));
    if (!annotations.isEmpty()) {
      JsonObject.putStringMap(node, "annotations", annotations);
    }
    return JsonObject.write(node);
  }
}
