package io.brume.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlatformTest {

  @Test
  void parsesTwoAndThreeParts() {
    assertThat(Platform.parse("linux/amd64")).isEqualTo(Platform.of("linux", "amd64"));
    Platform armV7 = Platform.parse("linux/arm/v7");
    assertThat(armV7.variant()).contains("v7");
    assertThat(armV7).hasToString("linux/arm/v7");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "linux", "linux/", "/amd64", "linux/arm/v7/x", "linux//v7"})
  void rejectsMalformedPlatformsNamingTheInput(String text) {
    assertThatThrownBy(() -> Platform.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void mapsJvmArchitectures() {
    assertThat(Platform.fromJvm("Linux", "amd64")).isEqualTo(Platform.of("linux", "amd64"));
    assertThat(Platform.fromJvm("Linux", "x86_64")).isEqualTo(Platform.of("linux", "amd64"));
    assertThat(Platform.fromJvm("Linux", "aarch64")).isEqualTo(Platform.of("linux", "arm64", "v8"));
    assertThat(Platform.fromJvm("Linux", "arm")).isEqualTo(Platform.of("linux", "arm", "v7"));
    assertThat(Platform.host().os()).isNotBlank();
  }

  @Test
  void arm64WithoutVariantIsV8() {
    Platform wanted = Platform.parse("linux/arm64");
    assertThat(wanted.matches(Platform.of("linux", "arm64", "v8"))).isTrue();
    assertThat(Platform.parse("linux/arm64/v8").matches(Platform.of("linux", "arm64"))).isTrue();
    assertThat(wanted.matches(Platform.of("linux", "arm", "v7"))).isFalse();
  }

  @Test
  void armVariantsAreDistinct() {
    Platform v7 = Platform.parse("linux/arm/v7");
    assertThat(v7.matches(Platform.of("linux", "arm"))).isTrue();
    assertThat(v7.matches(Platform.of("linux", "arm", "v6"))).isFalse();
    assertThat(Platform.parse("linux/arm/v6").matches(Platform.of("linux", "arm", "v7"))).isFalse();
  }

  @Test
  void osAndArchitectureMustAgree() {
    assertThat(Platform.parse("linux/amd64").matches(Platform.of("windows", "amd64"))).isFalse();
    assertThat(Platform.parse("linux/amd64").matches(Platform.of("linux", "amd64", "v1"))).isTrue();
  }

  @Test
  void blankVariantIsNoVariant() {
    assertThat(new Platform("linux", "amd64", Optional.of(" ")).variant()).isEmpty();
    assertThatThrownBy(() -> new Platform("", "amd64", Optional.empty()))
        .hasMessageContaining("needs an os");
  }
}
