package io.brume.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The parts of an OCI/Docker image config that running and unpacking an image need.
 *
 * @param os operating system, e.g. {@code linux}
 * @param architecture CPU architecture, e.g. {@code arm64}
 * @param variant CPU variant, e.g. {@code v7}
 * @param runtime the default process settings ({@code config} in the JSON)
 * @param diffIds digests of the uncompressed layers, base first ({@code rootfs.diff_ids})
 */
public record ImageConfig(
    String os,
    String architecture,
    Optional<String> variant,
    RuntimeConfig runtime,
    List<Digest> diffIds) {

  private static final String DOCUMENT = "config";

  /**
   * The {@code config} object: how a container of this image runs by default.
   *
   * @param env {@code KEY=value} entries
   * @param entrypoint the entrypoint, possibly empty
   * @param cmd the default arguments, possibly empty
   * @param workingDir the working directory, empty when unset
   * @param user {@code user[:group]}, empty when unset
   * @param exposedPorts ports such as {@code 80/tcp}
   * @param labels image labels
   */
  public record RuntimeConfig(
      List<String> env,
      List<String> entrypoint,
      List<String> cmd,
      String workingDir,
      String user,
      List<String> exposedPorts,
      Map<String, String> labels) {

    /** Copies the collections. */
    public RuntimeConfig {
      env = List.copyOf(env);
      entrypoint = List.copyOf(entrypoint);
      cmd = List.copyOf(cmd);
      Objects.requireNonNull(workingDir, "workingDir");
      Objects.requireNonNull(user, "user");
      exposedPorts = List.copyOf(exposedPorts);
      labels = Map.copyOf(labels);
    }

    /** No settings at all. */
    public static RuntimeConfig empty() {
      return new RuntimeConfig(List.of(), List.of(), List.of(), "", "", List.of(), Map.of());
    }

    static RuntimeConfig read(JsonObject json) {
      return new RuntimeConfig(
          json.optionalStrings("Env"),
          json.optionalStrings("Entrypoint"),
          json.optionalStrings("Cmd"),
          json.optionalString("WorkingDir").orElse(""),
          json.optionalString("User").orElse(""),
          json.optionalKeys("ExposedPorts"),
          json.optionalStringMap("Labels"));
    }

    ObjectNode toJson() {
      ObjectNode node = JsonObject.newObject();
      if (!user.isEmpty()) {
        node.put("User", user);
      }
      if (!exposedPorts.isEmpty()) {
        ObjectNode ports = node.putObject("ExposedPorts");
        exposedPorts.forEach(port -> ports.putObject(port));
      }
      if (!env.isEmpty()) {
        JsonObject.putStrings(node, "Env", env);
      }
      if (!entrypoint.isEmpty()) {
        JsonObject.putStrings(node, "Entrypoint", entrypoint);
      }
      if (!cmd.isEmpty()) {
        JsonObject.putStrings(node, "Cmd", cmd);
      }
      if (!workingDir.isEmpty()) {
        node.put("WorkingDir", workingDir);
      }
      if (!labels.isEmpty()) {
        JsonObject.putStringMap(node, "Labels", labels);
      }
      return node;
    }
  }

  /** Validates and copies. */
  public ImageConfig {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(runtime, "runtime");
    diffIds = List.copyOf(diffIds);
  }

  /**
   * Parses and validates an image config; unknown fields (history, created, …) are ignored.
   *
   * @throws InvalidContentException naming the missing or malformed field
   */
  public static ImageConfig parse(byte[] json) {
    JsonObject root = JsonObject.parse(json, DOCUMENT);
    String os = root.requiredString("os");
    String architecture = root.requiredString("architecture");
    Optional<String> variant = root.optionalString("variant");
    RuntimeConfig runtime =
        root.optionalObject("config").map(RuntimeConfig::read).orElse(RuntimeConfig.empty());
    JsonObject rootfs = root.requiredObject("rootfs");
    String type = rootfs.requiredString("type");
    if (!type.equals("layers")) {
      throw rootfs.invalid("type", "must be 'layers', got '" + type + "'");
    }
    List<String> diffIdTexts = rootfs.optionalStrings("diff_ids");
    if (!rootfs.node().has("diff_ids")) {
      throw new InvalidContentException(DOCUMENT + ": missing field 'rootfs.diff_ids'");
    }
    List<Digest> diffIds =
        java.util.stream.IntStream.range(0, diffIdTexts.size())
            .mapToObj(i -> parseDiffId(rootfs, i, diffIdTexts.get(i)))
            .toList();
    return new ImageConfig(os, architecture, variant, runtime, diffIds);
  }

  private static Digest parseDiffId(JsonObject rootfs, int index, String text) {
    try {
      return Digest.parse(text);
    } catch (IllegalArgumentException e) {
      throw rootfs.invalid("diff_ids[" + index + "]", "is not a valid digest: " + e.getMessage());
    }
  }

  /** The platform this image was built for. */
  public Platform platform() {
    return new Platform(os, architecture, variant);
  }

  /** The JSON of this config (fields brume models only). */
  public byte[] toJson() {
    ObjectNode node = JsonObject.newObject();
    node.put("architecture", architecture);
    node.put("os", os);
    variant.ifPresent(v -> node.put("variant", v));
    node.set("config", runtime.toJson());
    ObjectNode rootfs = node.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode ids = rootfs.putArray("diff_ids");
    diffIds.forEach(id -> ids.add(id.toString()));
    return JsonObject.write(node);
  }
}
