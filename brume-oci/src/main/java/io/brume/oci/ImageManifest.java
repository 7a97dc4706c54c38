package io.brume.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A single-platform image manifest: OCI {@code application/vnd.oci.image.manifest.v1+json} or
 * Docker schema 2 {@code application/vnd.docker.distribution.manifest.v2+json}.
 *
 * @param mediaType the manifest's media type (OCI manifest when the document omits it)
 * @param config descriptor of the image config blob
 * @param layers layer descriptors, base layer first
 * @param annotations arbitrary string metadata
 */
public record ImageManifest(
    String mediaType, Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {

  private static final String DOCUMENT = "manifest";

  /** Validates and copies. */
  public ImageManifest {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(config, "config");
    if (!MediaType.isManifest(mediaType)) {
      throw new UnsupportedMediaTypeException(mediaType, DOCUMENT);
    }
    layers = List.copyOf(layers);
    annotations = Map.copyOf(annotations);
  }

  /**
   * Parses and validates a manifest. Unknown fields are ignored.
   *
   * @throws InvalidContentException naming the missing or malformed field
   * @throws UnsupportedMediaTypeException when the document declares a non-manifest media type
   */
  public static ImageManifest parse(byte[] json) {
    JsonObject root = JsonObject.parse(json, DOCUMENT);
    SchemaVersion.require(root);
    String mediaType = root.optionalString("mediaType").orElse(MediaType.OCI_MANIFEST);
    if (!MediaType.isManifest(mediaType)) {
      throw new UnsupportedMediaTypeException(mediaType, DOCUMENT);
    }
    if (root.node().has("manifests")) {
      throw new InvalidContentException(
          DOCUMENT + ": has field 'manifests', which belongs to an index, not a manifest");
    }
    Descriptor config = Descriptor.read(root.requiredObject("config"));
    List<Descriptor> layers =
        root.requiredObjects("layers").stream().map(Descriptor::read).toList();
    return new ImageManifest(mediaType, config, layers, root.optionalStringMap("annotations"));
  }

  /** The canonical JSON of this manifest (the bytes whose digest identifies it once pushed). */
  public byte[] toJson() {
    ObjectNode node = JsonObject.newObject();
    node.put("schemaVersion", 2);
    node.put("mediaType", mediaType);
    node.set("config", config.toJson());
    ArrayNode layerArray = node.putArray("layers");
    layers.forEach(layer -> layerArray.add(layer.toJson()));
    if (!annotations.isEmpty()) {
      JsonObject.putStringMap(node, "annotations", annotations);
    }
    return JsonObject.write(node);
  }
}
