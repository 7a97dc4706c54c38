package io.brume.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brume.oci.ImageReference;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials from Docker's {@code config.json} ({@code $DOCKER_CONFIG/config.json}, else {@code
 * ~/.docker/config.json}): the {@code auths} section with a base64 {@code auth} of {@code
 * user:password}, or separate {@code username}/{@code password}. Credential helpers ({@code
 * credsStore}, {@code credHelpers}) are not run.
 */
public final class DockerConfigCredentials {

  private final Map<String, Credentials> byRegistry;

  private DockerConfigCredentials(Map<String, Credentials> byRegistry) {
    this.byRegistry = Map.copyOf(byRegistry);
  }

  /** No credentials at all. */
  public static DockerConfigCredentials none() {
    return new DockerConfigCredentials(Map.of());
  }

  /** Loads the file Docker would use, given the environment and the user's home directory. */
  public static DockerConfigCredentials load(Map<String, String> environment, Path home)
      throws IOException {
    String dockerConfig = environment.get("DOCKER_CONFIG");
    Path file =
        dockerConfig != null && !dockerConfig.isBlank()
            ? Path.of(dockerConfig, "config.json")
            : home.resolve(".docker").resolve("config.json");
    return Files.isRegularFile(file) ? parse(file) : none();
  }

  /** Loads the file Docker would use for the current process. */
  public static DockerConfigCredentials fromEnvironment() throws IOException {
    return load(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /**
   * Parses one config file.
   *
   * @throws IOException naming the file when it is unreadable or an entry is malformed (the message
   *     never contains the secret)
   */
  public static DockerConfigCredentials parse(Path file) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException("cannot read Docker config " + file + ": " + e.getMessage(), e);
    }
    Map<String, Credentials> credentials = new HashMap<>();
    JsonNode auths = root == null ? null : root.get("auths");
    if (auths != null && auths.isObject()) {
      for (Map.Entry<String, JsonNode> entry : auths.properties()) {
        entryCredentials(file, entry.getKey(), entry.getValue())
            .ifPresent(c -> credentials.put(normalizeRegistry(entry.getKey()), c));
      }
    }
    return new DockerConfigCredentials(credentials);
  }

  private static Optional<Credentials> entryCredentials(Path file, String key, JsonNode entry)
      throws IOException {
    JsonNode auth = entry.get("auth");
    if (auth != null && auth.isTextual() && !auth.textValue().isEmpty()) {
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(auth.textValue().strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IOException("Docker config " + file + ": 'auth' of " + key + " is not base64");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new IOException(
            "Docker config " + file + ": 'auth' of " + key + " is not base64 of user:password");
      }
      return Optional.of(
          new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }
    JsonNode username = entry.get("username");
    JsonNode password = entry.get("password");
    if (username != null && password != null && username.isTextual() && password.isTextual()) {
      return Optional.of(new Credentials(username.textValue(), password.textValue()));
    }
    return Optional.empty();
  }

  /**
   * Reduces a config key ({@code https://index.docker.io/v1/}, {@code registry:5000}, {@code
   * http://host/path}) to the registry name used in references.
   */
  static String normalizeRegistry(String key) {
    String host = key.strip();
    if (host.contains("://")) {
      URI uri = URI.create(host);
      host = uri.getRawAuthority() != null ? uri.getRawAuthority() : host;
    } else {
      int slash = host.indexOf('/');
      host = slash < 0 ? host : host.substring(0, slash);
    }
    host = host.toLowerCase(Locale.ROOT);
    return switch (host) {
      case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" ->
          ImageReference.DOCKER_HUB;
      default -> host;
    };
  }

  /** The credentials for registry {@code registry} (as in {@link ImageReference#registry()}). */
  public Optional<Credentials> forRegistry(String registry) {
    return Optional.ofNullable(byRegistry.get(normalizeRegistry(registry)));
  }
}
