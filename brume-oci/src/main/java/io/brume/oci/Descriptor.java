package io.brume.oci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A reference to content by media type, digest and size, as found in manifests and indexes.
 *
 * @param mediaType the media type of the referenced content
 * @param digest the digest of the referenced bytes
 * @param size the exact size of the referenced bytes
 * @param platform the platform of a manifest referenced from an index, if given
 * @param annotations arbitrary string metadata
 * @param urls alternative download locations (foreign layers)
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    Optional<Platform> platform,
    Map<String, String> annotations,
    List<String> urls) {

  // RFC 6838 type/subtype names, as the image-spec descriptor schema requires.
  private static final Pattern MEDIA_TYPE =
      Pattern.compile(
          "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");

  /** Validates the fields and copies the collections. */
  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(platform, "platform");
    if (!MEDIA_TYPE.matcher(mediaType).matches()) {
      throw new IllegalArgumentException("invalid media type '" + mediaType + "'");
    }
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size + " for " + digest);
    }
    annotations = Map.copyOf(annotations);
    urls = List.copyOf(urls);
  }

  /** A plain descriptor without platform, annotations or URLs. */
  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, Optional.empty(), Map.of(), List.of());
  }

  /** The same descriptor carrying {@code platform}, as used in an index. */
  public Descriptor withPlatform(Platform platform) {
    return new Descriptor(mediaType, digest, size, Optional.of(platform), annotations, urls);
  }

  static Descriptor read(JsonObject json) {
    String mediaType = json.requiredString("mediaType");
    if (!MEDIA_TYPE.matcher(mediaType).matches()) {
      throw json.invalid("mediaType", "is not a valid media type: '" + mediaType + "'");
    }
    Digest digest = json.requiredDigest("digest");
    long size = json.requiredLong("size");
    if (size < 0) {
      throw json.invalid("size", "must not be negative, got " + size);
    }
    Optional<Platform> platform = json.optionalObject("platform").map(Descriptor::readPlatform);
    return new Descriptor(
        mediaType,
        digest,
        size,
        platform,
        json.optionalStringMap("annotations"),
        json.optionalStrings("urls"));
  }

  private static Platform readPlatform(JsonObject json) {
    return new Platform(
        json.requiredString("os"),
        json.requiredString("architecture"),
        json.optionalString("variant"));
  }

  ObjectNode toJson() {
    ObjectNode node = JsonObject.newObject();
    node.put("mediaType", mediaType);
    node.put("digest", digest.toString());
    node.put("size", size);
    if (!urls.isEmpty()) {
      JsonObject.putStrings(node, "urls", urls);
    }
    if (!annotations.isEmpty()) {
      JsonObject.putStringMap(node, "annotations", annotations);
    }
    platform.ifPresent(
        p -> {
          ObjectNode platformNode = node.putObject("platform");
          platformNode.put("architecture", p.architecture());
          platformNode.put("os", p.os());
          p.variant().ifPresent(v -> platformNode.put("variant", v));
        });
    return node;
  }
}
