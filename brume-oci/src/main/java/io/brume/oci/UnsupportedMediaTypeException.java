package io.brume.oci;

/** Thrown when content has a media type brume cannot handle; the message names the type. */
public final class UnsupportedMediaTypeException extends IllegalArgumentException {

  private final String mediaType;

  /**
   * @param mediaType the offending type, as found in the content
   * @param role what the content was expected to be, e.g. "layer" or "manifest"
   */
  public UnsupportedMediaTypeException(String mediaType, String role) {
    super("unsupported " + role + " media type '" + mediaType + "'");
    this.mediaType = mediaType;
  }

  /** The offending media type. */
  public String mediaType() {
    return mediaType;
  }
}
