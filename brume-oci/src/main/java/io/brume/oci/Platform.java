package io.brume.oci;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An operating system and CPU architecture, with an optional CPU variant ({@code linux/arm/v7}).
 *
 * <p>Matching normalises the variants that Docker and containerd treat as implied: {@code arm64}
 * without a variant is {@code arm64/v8}, {@code arm} without a variant is {@code arm/v7}, and
 * {@code amd64/v1} is plain {@code amd64}.
 *
 * @param os operating system as in the image spec, e.g. {@code linux}
 * @param architecture GOARCH-style architecture, e.g. {@code amd64}, {@code arm64}, {@code arm}
 * @param variant CPU variant such as {@code v7}, or empty
 */
public record Platform(String os, String architecture, Optional<String> variant) {

  /** Validates that os and architecture are present. */
  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(variant, "variant");
    if (os.isBlank() || architecture.isBlank()) {
      throw new IllegalArgumentException(
          "platform needs an os and an architecture, got '" + os + "/" + architecture + "'");
    }
    variant = variant.filter(v -> !v.isBlank());
  }

  /** A platform without variant. */
  public static Platform of(String os, String architecture) {
    return new Platform(os, architecture, Optional.empty());
  }

  /** A platform with a variant. */
  public static Platform of(String os, String architecture, String variant) {
    return new Platform(os, architecture, Optional.of(variant));
  }

  /**
   * Parses {@code os/arch[/variant]}, e.g. {@code linux/arm/v7}.
   *
   * @throws IllegalArgumentException naming the input when it does not have two or three parts
   */
  public static Platform parse(String text) {
    Objects.requireNonNull(text, "platform");
    String[] parts = text.strip().toLowerCase(Locale.ROOT).split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException(
          "invalid platform '" + text + "': expected OS/ARCH[/VARIANT], for example linux/arm64");
    }
    for (String part : parts) {
      if (part.isBlank()) {
        throw new IllegalArgumentException(
            "invalid platform '" + text + "': empty part in OS/ARCH[/VARIANT]");
      }
    }
    return parts.length == 2 ? of(parts[0], parts[1]) : of(parts[0], parts[1], parts[2]);
  }

  /** The platform of the running JVM, in image-spec terms (os.arch {@code aarch64} → arm64). */
  public static Platform host() {
    return fromJvm(System.getProperty("os.name"), System.getProperty("os.arch"));
  }

  /** Maps JVM {@code os.name}/{@code os.arch} values to an image-spec platform. */
  static Platform fromJvm(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      os = "windows";
    } else if (os.startsWith("mac")) {
      os = "darwin";
    }
    String arch = osArch.toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "amd64", "x86_64" -> of(os, "amd64");
      case "aarch64", "arm64" -> of(os, "arm64", "v8");
      case "arm", "armv7l", "aarch32" -> of(os, "arm", "v7");
      case "x86", "i386", "i686" -> of(os, "386");
      case "ppc64le" -> of(os, "ppc64le");
      case "s390x" -> of(os, "s390x");
      case "riscv64" -> of(os, "riscv64");
      default -> of(os, arch);
    };
  }

  /**
   * This platform with the implied variant made explicit (arm64 → v8, arm → v7, amd64/v1 → none).
   */
  public Platform normalized() {
    String arch = architecture.toLowerCase(Locale.ROOT);
    String os2 = os.toLowerCase(Locale.ROOT);
    Optional<String> v = variant.map(s -> s.toLowerCase(Locale.ROOT));
    return switch (arch) {
      case "arm64", "aarch64" -> new Platform(os2, "arm64", Optional.of(v.orElse("v8")));
      case "arm" -> new Platform(os2, "arm", Optional.of(v.orElse("v7")));
      case "amd64", "x86_64" -> new Platform(os2, "amd64", v.filter(s -> !s.equals("v1")));
      default -> new Platform(os2, arch, v);
    };
  }

  /**
   * Whether an image built for {@code candidate} is what this (wanted) platform asks for. Variants
   * are compared after normalisation; a wanted platform without variant accepts any variant of
   * architectures that have no implied default.
   */
  public boolean matches(Platform candidate) {
    Platform wanted = normalized();
    Platform offered = candidate.normalized();
    if (!wanted.os.equals(offered.os) || !wanted.architecture.equals(offered.architecture)) {
      return false;
    }
    if (wanted.variant.isEmpty()) {
      return true;
    }
    return wanted.variant.equals(offered.variant);
  }

  /** {@code os/arch[/variant]}. */
  @Override
  public String toString() {
    return os + "/" + architecture + variant.map(v -> "/" + v).orElse("");
  }
}
