package io.brume.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class VerifyingInputStreamTest {

  private static final byte[] DATA =
      "the quick brown fox".repeat(1000).getBytes(StandardCharsets.UTF_8);

  @Test
  void passesMatchingContent() throws Exception {
    Digest digest = Digest.sha256(DATA);
    try (InputStream in =
        new VerifyingInputStream(new ByteArrayInputStream(DATA), digest, DATA.length)) {
      assertThat(in.readAllBytes()).isEqualTo(DATA);
    }
  }

  @Test
  void verifiesWithTheDigestsAlgorithm() throws Exception {
    Digest sha512 = Digest.of("sha512", DATA);
    try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(DATA), sha512, -1)) {
      assertThat(in.readAllBytes()).isEqualTo(DATA);
    }
  }

  @Test
  void corruptedContentNamesExpectedAndActual() {
    Digest expected = Digest.sha256(DATA);
    byte[] corrupted = Arrays.copyOf(DATA, DATA.length);
    corrupted[100] ^= 1;
    Digest actual = Digest.sha256(corrupted);
    InputStream in =
        new VerifyingInputStream(new ByteArrayInputStream(corrupted), expected, DATA.length);
    assertThatThrownBy(in::readAllBytes)
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining(expected.toString())
        .hasMessageContaining(actual.toString());
  }

  @Test
  void truncatedAndOversizedContentFail() {
    Digest expected = Digest.sha256(DATA);
    InputStream shorter =
        new VerifyingInputStream(
            new ByteArrayInputStream(DATA, 0, DATA.length - 1), expected, DATA.length);
    assertThatThrownBy(shorter::readAllBytes)
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("ended after " + (DATA.length - 1));
    InputStream longer =
        new VerifyingInputStream(new ByteArrayInputStream(DATA), expected, DATA.length - 10);
    assertThatThrownBy(longer::readAllBytes)
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("larger than its expected size");
  }

  @Test
  void resumesFromAPreFedHasher() throws Exception {
    Digest digest = Digest.sha256(DATA);
    MessageDigest hasher = digest.newHasher();
    hasher.update(DATA, 0, 5000);
    try (InputStream in =
        new VerifyingInputStream(
            new ByteArrayInputStream(DATA, 5000, DATA.length - 5000),
            digest,
            DATA.length,
            hasher,
            5000)) {
      assertThat(in.readAllBytes()).hasSize(DATA.length - 5000);
    }
  }

  @Test
  void skippedBytesAreHashedToo() throws Exception {
    Digest digest = Digest.sha256(DATA);
    try (VerifyingInputStream in =
        new VerifyingInputStream(new ByteArrayInputStream(DATA), digest, DATA.length)) {
      assertThat(in.skip(1000)).isEqualTo(1000);
      in.readAllBytes();
      assertThat(in.count()).isEqualTo(DATA.length);
    }
  }
}
