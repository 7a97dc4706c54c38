package io.brume.oci;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A normalised image reference, parsed like Docker does: {@code alpine} is {@code
 * docker.io/library/alpine:latest}, {@code localhost:5000/app@sha256:…} names a local registry with
 * a port and a digest.
 *
 * <p>The first path component is a registry host when it contains a {@code .} or a {@code :} or is
 * {@code localhost}; otherwise the image is on Docker Hub. A reference with neither tag nor digest
 * gets the tag {@code latest}; one with both keeps both, and the digest is what is pulled.
 *
 * @param registry registry host with optional port, e.g. {@code docker.io}, {@code 127.0.0.1:5000}
 * @param repository repository path, e.g. {@code library/alpine}
 * @param tag the tag, if any
 * @param digest the digest, if any
 */
public record ImageReference(
    String registry, String repository, Optional<String> tag, Optional<Digest> digest) {

  /** Docker Hub's registry name as it appears in references and credential files. */
  public static final String DOCKER_HUB = "docker.io";

  /** The host that actually serves Docker Hub's registry API. */
  public static final String DOCKER_HUB_API_HOST = "registry-1.docker.io";

  private static final String DEFAULT_TAG = "latest";
  private static final int MAX_NAME_LENGTH = 255;

  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
              + "|\\[[0-9a-fA-F:]+\\])(?::[0-9]{1,5})?");
  private static final Pattern PATH_COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  /** Validates the parts; use {@link #parse(String)} for the string form. */
  public ImageReference {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(digest, "digest");
    validate(registry + "/" + repository, registry, repository, tag, digest);
  }

  private static void validate(
      String text, String registry, String repository, Optional<String> tag, Optional<?> digest) {
    validateRegistry(text, registry);
    validateRepository(text, repository);
    tag.ifPresent(t -> validateTag(text, t));
    if (tag.isEmpty() && digest.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid image reference '" + text + "': needs a tag or a digest");
    }
  }

  /**
   * Parses a reference the way {@code docker pull} does.
   *
   * @throws IllegalArgumentException naming the input and the broken part
   */
  public static ImageReference parse(String text) {
    Objects.requireNonNull(text, "reference");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("invalid image reference '': empty");
    }
    String rest = text;
    Optional<Digest> digest = Optional.empty();
    int at = rest.indexOf('@');
    if (at >= 0) {
      try {
        digest = Optional.of(Digest.parse(rest.substring(at + 1)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invalid image reference '" + text + "': " + e.getMessage(), e);
      }
      rest = rest.substring(0, at);
    }
    Optional<String> tag = Optional.empty();
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = Optional.of(rest.substring(colon + 1));
      rest = rest.substring(0, colon);
    }
    String registry = DOCKER_HUB;
    String repository = rest;
    int slash = rest.indexOf('/');
    if (slash > 0 && looksLikeHost(rest.substring(0, slash))) {
      registry = rest.substring(0, slash);
      repository = rest.substring(slash + 1);
    }
    if (registry.equals("index.docker.io")) {
      registry = DOCKER_HUB;
    }
    if (registry.equals(DOCKER_HUB) && !repository.isEmpty() && repository.indexOf('/') < 0) {
      repository = "library/" + repository;
    }
    if (tag.isEmpty() && digest.isEmpty()) {
      tag = Optional.of(DEFAULT_TAG);
    }
    // Validate against the caller's text so that errors quote what the user typed.
    validate(text, registry, repository, tag, digest);
    return new ImageReference(registry, repository, tag, digest);
  }

  private static boolean looksLikeHost(String component) {
    return component.contains(".")
        || component.contains(":")
        || component.equals("localhost")
        || !component.equals(component.toLowerCase(java.util.Locale.ROOT));
  }

  private static void validateRegistry(String text, String registry) {
    if (!DOMAIN.matcher(registry).matches()) {
      throw new IllegalArgumentException(
          "invalid image reference '" + text + "': invalid registry host '" + registry + "'");
    }
  }

  private static void validateRepository(String text, String repository) {
    if (repository.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid image reference '" + text + "': empty repository name");
    }
    if (!repository.equals(repository.toLowerCase(java.util.Locale.ROOT))) {
      throw new IllegalArgumentException(
          "invalid image reference '" + text + "': repository name must be lowercase");
    }
    for (String component : repository.split("/", -1)) {
      if (!PATH_COMPONENT.matcher(component).matches()) {
        throw new IllegalArgumentException(
            "invalid image reference '"
                + text
                + "': invalid repository path component '"
                + component
                + "' (lowercase letters and digits, separated by '.', '_', '__' or '-')");
      }
    }
    if (repository.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "invalid image reference '"
              + text
              + "': repository name longer than "
              + MAX_NAME_LENGTH
              + " characters");
    }
  }

  private static void validateTag(String text, String tag) {
    if (!TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException(
          "invalid image reference '"
              + text
              + "': invalid tag '"
              + tag
              + "' (up to 128 letters, digits, '_', '.', '-'; not starting with '.' or '-')");
    }
  }

  /** The host to contact for the registry API ({@code registry-1.docker.io} for Docker Hub). */
  public String apiHost() {
    return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API_HOST : registry;
  }

  /** The tag or digest to ask the registry for: the digest when present, else the tag. */
  public String manifestReference() {
    return digest.map(Digest::toString).orElseGet(tag::orElseThrow);
  }

  /** This reference pinned to {@code digest} (keeps the tag for display). */
  public ImageReference withDigest(Digest pinned) {
    return new ImageReference(registry, repository, tag, Optional.of(pinned));
  }

  /** The canonical form, {@code registry/repository[:tag][@digest]}. */
  @Override
  public String toString() {
    return registry
        + "/"
        + repository
        + tag.map(t -> ":" + t).orElse("")
        + digest.map(d -> "@" + d).orElse("");
  }
}
