package io.brume.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {

  private static final String EMPTY_SHA256 =
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void parsesAndPrintsSha256() {
    Digest digest = Digest.parse(EMPTY_SHA256);
    assertThat(digest.algorithm()).isEqualTo("sha256");
    assertThat(digest.encoded()).hasSize(64);
    assertThat(digest).hasToString(EMPTY_SHA256);
  }

  @Test
  void computesSha256AndSha512() {
    assertThat(Digest.of("sha256", new byte[0])).hasToString(EMPTY_SHA256);
    Digest sha512 = Digest.of("sha512", "abc".getBytes(StandardCharsets.US_ASCII));
    assertThat(sha512.encoded()).startsWith("ddaf35a193617aba").endsWith("a54ca49f").hasSize(128);
    assertThat(Digest.parse(sha512.toString())).isEqualTo(sha512);
  }

  @Test
  void hasherUsesTheDigestsOwnAlgorithm() {
    byte[] data = "layer".getBytes(StandardCharsets.UTF_8);
    Digest sha512 = Digest.of("sha512", data);
    assertThat(sha512.newHasher().getAlgorithm()).isEqualTo("SHA-512");
    assertThat(sha512.matches(sha512.newHasher().digest(data))).isTrue();
    assertThat(sha512.matches(sha512.newHasher().digest(new byte[1]))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "sha256",
        "sha256:",
        ":abc",
        "md5:d41d8cd98f00b204e9800998ecf8427e",
        "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555",
        "sha256:g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "SHA256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
      })
  void rejectsMalformedDigestsNamingTheInput(String text) {
    assertThatThrownBy(() -> Digest.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text);
  }

  @Test
  void rejectsUnknownAlgorithmWhenHashing() {
    assertThatThrownBy(() -> Digest.of("md5", new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("md5");
  }
}
