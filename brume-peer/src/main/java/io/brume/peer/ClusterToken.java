package io.brume.peer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The shared secret of a brume cluster: whoever holds it may fetch blobs from any node. Read from a
 * file (a mounted Kubernetes Secret), compared in constant time, and never printed: {@link
 * #toString()} is redacted so that it cannot leak into a log line by accident.
 */
public final class ClusterToken {
  /** Shorter secrets are guessable; {@code openssl rand -hex 32} gives 64 characters. */
  static final int MIN_LENGTH = 16;

  private final byte[] secret;

  private ClusterToken(byte[] secret) {
    this.secret = secret;
  }

  /**
   * Reads the token from {@code file} (surrounding whitespace, e.g. a trailing newline, ignored).
   *
   * @throws IOException naming the file when it is missing, empty or too short
   */
  public static ClusterToken read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw new IOException("cluster token file " + file + " does not exist", e);
    }
    if (text.length() < MIN_LENGTH) {
      throw new IOException(
          "cluster token in "
              + file
              + " is "
              + (text.isEmpty() ? "empty" : "shorter than " + MIN_LENGTH + " characters")
              + " (generate one with: openssl rand -hex 32)");
    }
    return of(text);
  }

  /** A token with the given value (tests, and values already read from a secret store). */
  public static ClusterToken of(String value) {
    if (value == null || value.isBlank() || value.strip().length() != value.length()) {
      throw new IllegalArgumentException("a cluster token must be non-empty, without whitespace");
    }
    return new ClusterToken(value.getBytes(StandardCharsets.UTF_8));
  }

  /** The {@code Authorization} header value a client sends. */
  public String authorizationHeader() {
    return "Bearer " + new String(secret, StandardCharsets.UTF_8);
  }

  /**
   * Whether an {@code Authorization} header carries this token. Constant time in the token's
   * content, so response timing does not reveal how many leading characters were right.
   */
  public boolean accepts(String authorizationHeader) {
    if (authorizationHeader == null
        || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] presented = authorizationHeader.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(presented, secret);
  }

  @Override
  public String toString() {
    return "ClusterToken[redacted]";
  }
}
