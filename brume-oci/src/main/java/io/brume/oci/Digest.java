package io.brume.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A content digest as used by OCI and Docker: {@code algorithm:encoded}, for example {@code
 * sha256:e3b0c442…}.
 *
 * <p>The algorithm is carried with the value and never assumed, so that sha512 content is verified
 * with sha512 (Jib's regret: a digest type that hard-codes SHA-256). Only the algorithms registered
 * by the image spec are accepted, with the encoded part checked for its exact lowercase hex length.
 *
 * @param algorithm {@code sha256} or {@code sha512}
 * @param encoded the lowercase hex digest value
 */
public record Digest(String algorithm, String encoded) {

  /** The algorithm the image spec requires implementations to support. */
  public static final String SHA256 = "sha256";

  /** The optional algorithm the image spec registers. */
  public static final String SHA512 = "sha512";

  private static final Pattern LOWER_HEX = Pattern.compile("[a-f0-9]+");

  /** Validates algorithm and encoded value; use {@link #parse(String)} for the string form. */
  public Digest {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(encoded, "encoded");
    int expectedLength = hexLength(algorithm, algorithm + ":" + encoded);
    if (encoded.length() != expectedLength || !LOWER_HEX.matcher(encoded).matches()) {
      throw new IllegalArgumentException(
          "invalid digest '"
              + algorithm
              + ":"
              + encoded
              + "': "
              + algorithm
              + " needs "
              + expectedLength
              + " lowercase hex characters");
    }
  }

  /**
   * Parses {@code algorithm:encoded}.
   *
   * @throws IllegalArgumentException naming the input when it is not a supported, well-formed
   *     digest
   */
  public static Digest parse(String text) {
    Objects.requireNonNull(text, "digest");
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(
          "invalid digest '" + text + "': expected algorithm:hex, for example sha256:<64 hex>");
    }
    return new Digest(text.substring(0, colon), text.substring(colon + 1));
  }

  /** The digest of {@code content} under {@code algorithm} ({@code sha256} or {@code sha512}). */
  public static Digest of(String algorithm, byte[] content) {
    hexLength(algorithm, algorithm);
    return fromHash(algorithm, newHasher(algorithm).digest(content));
  }

  /** The sha256 digest of {@code content}. */
  public static Digest sha256(byte[] content) {
    return of(SHA256, content);
  }

  /** Wraps a finished hash computed with {@link #newHasher()} of a digest of this algorithm. */
  public static Digest fromHash(String algorithm, byte[] hash) {
    return new Digest(algorithm, HexFormat.of().formatHex(hash));
  }

  /** A fresh hasher for this digest's algorithm, to verify content while streaming it. */
  public MessageDigest newHasher() {
    return newHasher(algorithm);
  }

  /** Whether {@code hash} (a finished {@link #newHasher()} result) equals this digest. */
  public boolean matches(byte[] hash) {
    return MessageDigest.isEqual(HexFormat.of().parseHex(encoded), hash);
  }

  /** The canonical {@code algorithm:encoded} form. */
  @Override
  public String toString() {
    return algorithm + ":" + encoded;
  }

  private static MessageDigest newHasher(String algorithm) {
    if (algorithm.equals(SHA256)) {
      Optional<MessageDigest> hasher = NativeSha256.create();
      if (hasher.isPresent()) {
        return hasher.get();
      }
    }
    String jdkName =
        switch (algorithm) {
          case SHA256 -> "SHA-256";
          case SHA512 -> "SHA-512";
          default ->
              throw new IllegalArgumentException("unsupported digest algorithm " + algorithm);
        };
    try {
      return MessageDigest.getInstance(jdkName);
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256 and SHA-512.
      throw new IllegalStateException(jdkName + " missing from this JDK", e);
    }
  }

  private static int hexLength(String algorithm, String input) {
    return switch (algorithm) {
      case SHA256 -> 64;
      case SHA512 -> 128;
      default ->
          throw new IllegalArgumentException(
              "invalid digest '"
                  + input
                  + "': unsupported algorithm '"
                  + algorithm
                  + "' (supported: sha256, sha512)");
    };
  }
}
