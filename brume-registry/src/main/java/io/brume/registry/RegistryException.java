package io.brume.registry;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * A registry operation failed; the message names the action and the reference (for example {@code
 * "fetch manifest 127.0.0.1:5000/app:v1: 404 Not Found"}).
 */
public class RegistryException extends IOException {

  private final OptionalInt status;

  /** A failure with an HTTP status from the registry. */
  public RegistryException(String message, int status) {
    super(message);
    this.status = OptionalInt.of(status);
  }

  /** A failure without HTTP status (transport error, bad response). */
  public RegistryException(String message, Throwable cause) {
    super(message, cause);
    this.status = OptionalInt.empty();
  }

  /** The HTTP status that caused the failure, when there was one. */
  public OptionalInt status() {
    return status;
  }
}
