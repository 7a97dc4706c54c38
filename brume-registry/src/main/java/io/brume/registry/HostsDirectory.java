package io.brume.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.brume.oci.ImageReference;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * containerd's registry host configuration directory ({@code config_path}, e.g. {@code
 * /etc/containerd/certs.d}): {@code <dir>/<registry>/hosts.toml}, else {@code
 * <dir>/_default/hosts.toml}, with {@code server = "https://…"} and {@code [host."http://mirror"]}
 * tables holding {@code capabilities = ["pull", "resolve"]}, {@code skip_verify} and {@code ca}
 * (one path or a list, relative to the registry's directory). One file configures both containerd
 * and brume.
 */
public final class HostsDirectory {
  /**
   * Created on first use: the snapshotter opens its hosts directory at start but reads a file only
   * on a pull, and an idle daemon need not carry Jackson (~4 MB of RSS, docs/containerd.md).
   */
  private static final class Toml {
    static final TomlMapper MAPPER = new TomlMapper();
  }

  /** One registry host: where to connect and how. */
  public record Host(URI uri, Set<String> capabilities, boolean skipVerify, List<Path> ca) {
    public Host {
      capabilities = Set.copyOf(capabilities);
      ca = List.copyOf(ca);
    }

    /** Whether blobs and manifests by digest may be fetched from this host. */
    public boolean canPull() {
      return capabilities.contains("pull");
    }

    /** Applies this host to a client builder: endpoint, plain HTTP, TLS verification, CAs. */
    public RegistryClient.Builder configure(RegistryClient.Builder builder) {
      return builder.endpoint(uri).insecure(skipVerify).caCertificates(ca);
    }
  }

  private final Path directory;

  private HostsDirectory(Path directory) {
    this.directory = directory;
  }

  /**
   * The configuration directory {@code directory} (it may not exist: then nothing is configured).
   */
  public static HostsDirectory at(Path directory) {
    return new HostsDirectory(directory);
  }

  /**
   * The hosts to try for {@code registry}, in order: the {@code [host]} entries that allow pulling,
   * then {@code server} (by default the registry itself over HTTPS). Empty when no file configures
   * the registry.
   *
   * @throws IllegalArgumentException naming the file when it is not valid TOML or has bad values
   */
  public Optional<List<Host>> hostsFor(String registry) throws IOException {
    Path file = directory.resolve(registry).resolve("hosts.toml");
    if (!Files.isRegularFile(file)) {
      file = directory.resolve("_default").resolve("hosts.toml");
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
    }
    JsonNode root;
    try {
      root = Toml.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Path base = Objects.requireNonNull(file.getParent(), "hosts.toml lies in a directory");
    List<Host> hosts = new ArrayList<>();
    JsonNode tables = root.path("host");
    for (Map.Entry<String, JsonNode> entry : tables.properties()) {
      Host host = host(file, base, entry.getKey(), entry.getValue());
      if (host.canPull()) {
        hosts.add(host);
      }
    }
    String server =
        root.hasNonNull("server")
            ? root.get("server").asText()
            : "https://"
                + (registry.equals(ImageReference.DOCKER_HUB)
                    ? ImageReference.DOCKER_HUB_API_HOST
                    : registry);
    JsonNode serverOptions = root.deepCopy();
    if (!root.has("capabilities")) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) serverOptions)
          .putArray("capabilities")
          .add("pull")
          .add("resolve")
          .add("push");
    }
    hosts.add(host(file, base, server, serverOptions));
    return Optional.of(List.copyOf(hosts));
  }

  private static Host host(Path file, Path base, String address, JsonNode options) {
    URI uri;
    try {
      uri = URI.create(address.contains("://") ? address : "https://" + address);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": bad host address '" + address + "'", e);
    }
    if (uri.getHost() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      throw new IllegalArgumentException(file + ": bad host address '" + address + "'");
    }
    Set<String> capabilities = new TreeSet<>();
    options.path("capabilities").forEach(c -> capabilities.add(c.asText()));
    if (!options.has("capabilities")) {
      capabilities.addAll(List.of("pull", "resolve"));
    }
    List<Path> ca = new ArrayList<>();
    JsonNode caNode = options.path("ca");
    if (caNode.isTextual()) {
      ca.add(base.resolve(caNode.asText()));
    } else {
      caNode.forEach(c -> ca.add(base.resolve(c.asText())));
    }
    return new Host(uri, capabilities, options.path("skip_verify").asBoolean(false), ca);
  }
}
