package io.brume.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

  private static final String DIGEST =
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @ParameterizedTest
  @CsvSource({
    "alpine, docker.io/library/alpine:latest",
    "alpine:3.20, docker.io/library/alpine:3.20",
    "library/alpine, docker.io/library/alpine:latest",
    "docker.io/alpine, docker.io/library/alpine:latest",
    "index.docker.io/library/alpine:edge, docker.io/library/alpine:edge",
    "bitnami/redis:7, docker.io/bitnami/redis:7",
    "ghcr.io/owner/app/sub:v1.2.3, ghcr.io/owner/app/sub:v1.2.3",
    "localhost/app, localhost/app:latest",
    "localhost:5000/app:dev, localhost:5000/app:dev",
    "127.0.0.1:5000/a/b, 127.0.0.1:5000/a/b:latest",
    "quay.io/coreos/etcd_v3-x.y__z:1, quay.io/coreos/etcd_v3-x.y__z:1",
    "Registry/app, Registry/app:latest",
    "[::1]:5000/app, [::1]:5000/app:latest"
  })
  void normalisesLikeDocker(String input, String canonical) {
    assertThat(ImageReference.parse(input)).hasToString(canonical);
  }

  @Test
  void exposesTheParts() {
    ImageReference ref = ImageReference.parse("localhost:5000/team/app:1.0");
    assertThat(ref.registry()).isEqualTo("localhost:5000");
    assertThat(ref.repository()).isEqualTo("team/app");
    assertThat(ref.tag()).contains("1.0");
    assertThat(ref.digest()).isEmpty();
    assertThat(ref.manifestReference()).isEqualTo("1.0");
    assertThat(ref.apiHost()).isEqualTo("localhost:5000");
  }

  @Test
  void dockerHubIsServedByRegistry1() {
    assertThat(ImageReference.parse("alpine").apiHost()).isEqualTo("registry-1.docker.io");
  }

  @Test
  void digestOnlyHasNoTag() {
    ImageReference ref = ImageReference.parse("alpine@" + DIGEST);
    assertThat(ref.tag()).isEmpty();
    assertThat(ref.digest()).contains(Digest.parse(DIGEST));
    assertThat(ref.manifestReference()).isEqualTo(DIGEST);
    assertThat(ref).hasToString("docker.io/library/alpine@" + DIGEST);
  }

  @Test
  void tagAndDigestKeepsBothAndPullsTheDigest() {
    ImageReference ref = ImageReference.parse("localhost:5000/app:v1@" + DIGEST);
    assertThat(ref.tag()).contains("v1");
    assertThat(ref.manifestReference()).isEqualTo(DIGEST);
    assertThat(ref).hasToString("localhost:5000/app:v1@" + DIGEST);
  }

  @Test
  void withDigestPins() {
    ImageReference ref = ImageReference.parse("alpine").withDigest(Digest.parse(DIGEST));
    assertThat(ref).hasToString("docker.io/library/alpine:latest@" + DIGEST);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Alpine",
        "docker.io/Library/alpine",
        "alpine:",
        "alpine:-bad",
        "alpine:.bad",
        "alpine@sha256:abc",
        "alpine@md5:d41d8cd98f00b204e9800998ecf8427e",
        "localhost:5000/",
        "a//b",
        "a/-b",
        "a/b-",
        "a..b",
        "bad_host!.io/app",
        "app:tag with space"
      })
  void rejectsMalformedReferencesNamingTheInput(String input) {
    assertThatThrownBy(() -> ImageReference.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid image reference '" + input + "'");
  }

  @Test
  void rejectsOverlongNamesAndTags() {
    String longName = "a".repeat(256);
    assertThatThrownBy(() -> ImageReference.parse("localhost/" + longName))
        .hasMessageContaining("longer than 255");
    assertThatThrownBy(() -> ImageReference.parse("app:" + "t".repeat(129)))
        .hasMessageContaining("invalid tag");
  }

  @Test
  void uppercaseRepositoryMessageSaysLowercase() {
    assertThatThrownBy(() -> ImageReference.parse("ghcr.io/Owner/app"))
        .hasMessageContaining("must be lowercase");
  }
}
