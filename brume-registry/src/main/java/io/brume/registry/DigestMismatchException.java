package io.brume.registry;

import io.brume.oci.Digest;
import java.io.IOException;

/** Content did not match the digest or size it was fetched by; names expected and actual. */
public final class DigestMismatchException extends IOException {

  private final Digest expected;

  /** Creates the exception; {@code message} already names expected and actual values. */
  public DigestMismatchException(Digest expected, String message) {
    super(message);
    this.expected = expected;
  }

  /** The digest the content should have had. */
  public Digest expected() {
    return expected;
  }
}
