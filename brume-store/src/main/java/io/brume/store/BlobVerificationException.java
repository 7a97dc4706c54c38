package io.brume.store;

import io.brume.oci.Digest;
import java.io.IOException;

/** Content did not match the digest or size it was fetched for; it was not committed. */
public final class BlobVerificationException extends IOException {
  private final Digest expected;

  /** Creates the failure naming the expected digest and what was wrong. */
  public BlobVerificationException(Digest expected, String problem) {
    super("blob " + expected + " failed verification: " + problem);
    this.expected = expected;
  }

  /** The digest the content was supposed to have. */
  public Digest expected() {
    return expected;
  }
}
