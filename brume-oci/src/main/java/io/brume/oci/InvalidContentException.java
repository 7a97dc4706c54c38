package io.brume.oci;

/**
 * Thrown when a manifest, index or config is not valid JSON or violates the image spec; the message
 * names the document and the field, e.g. {@code "manifest: missing field 'config.digest'"}.
 */
public final class InvalidContentException extends IllegalArgumentException {

  /** Creates the exception with a message naming document and field. */
  public InvalidContentException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the parser's cause. */
  public InvalidContentException(String message, Throwable cause) {
    super(message, cause);
  }
}
