package io.brume.testing;

import io.brume.oci.Descriptor;
import io.brume.oci.Digest;
import io.brume.oci.ImageConfig;
import io.brume.oci.ImageManifest;
import io.brume.oci.MediaType;
import io.brume.oci.MediaType.Compression;
import io.brume.oci.Platform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A generated image: layers, config and manifest, in OCI or Docker schema 2 format.
 *
 * <pre>{@code
 * TestImage image = TestImage.builder()
 *     .layer(TestLayer.builder().file("hello", "world"), Compression.GZIP)
 *     .layer(TestLayer.builder().whiteout("hello"), Compression.ZSTD)
 *     .entrypoint("/bin/sh").build();
 * Digest digest = pusher.push("test/app", "v1", image);
 * }</pre>
 *
 * @param layers the layers, base first
 * @param config the config
 * @param configBytes the config blob
 * @param manifest the manifest
 * @param manifestBytes the manifest as pushed
 */
public record TestImage(
    List<LayerBlob> layers,
    ImageConfig config,
    byte[] configBytes,
    ImageManifest manifest,
    byte[] manifestBytes) {

  /** Copies the list. */
  public TestImage {
    layers = List.copyOf(layers);
  }

  /** The digest of {@link #manifestBytes()}. */
  public Digest manifestDigest() {
    return Digest.sha256(manifestBytes);
  }

  /** The descriptor of the manifest, for an index. */
  public Descriptor manifestDescriptor() {
    return Descriptor.of(manifest.mediaType(), manifestDigest(), manifestBytes.length);
  }

  /** The descriptor of the config blob. */
  public Descriptor configDescriptor() {
    return manifest.config();
  }

  /** A builder with platform linux/amd64, OCI format and no layers. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects layers and config settings. */
  public static final class Builder {
    private final List<LayerBlob> layers = new ArrayList<>();
    private Platform platform = Platform.of("linux", "amd64");
    private boolean docker;
    private final List<String> env = new ArrayList<>();
    private List<String> entrypoint = List.of();
    private List<String> cmd = List.of();
    private String workingDir = "";
    private String user = "";
    private final List<String> ports = new ArrayList<>();
    private final Map<String, String> labels = new LinkedHashMap<>();

    private Builder() {}

    /** Adds a layer built from {@code layer} with {@code compression}. */
    public Builder layer(TestLayer layer, Compression compression) {
      return layer(layer.build(compression));
    }

    /** Adds a built layer. */
    public Builder layer(LayerBlob layer) {
      layers.add(layer);
      return this;
    }

    /** The image's platform (default linux/amd64). */
    public Builder platform(Platform value) {
      platform = value;
      return this;
    }

    /** Docker schema 2 media types instead of OCI. */
    public Builder dockerFormat() {
      docker = true;
      return this;
    }

    /** Adds {@code KEY=value} to the environment. */
    public Builder env(String keyValue) {
      env.add(keyValue);
      return this;
    }

    /** The entrypoint. */
    public Builder entrypoint(String... args) {
      entrypoint = List.of(args);
      return this;
    }

    /** The default command. */
    public Builder cmd(String... args) {
      cmd = List.of(args);
      return this;
    }

    /** The working directory. */
    public Builder workingDir(String value) {
      workingDir = value;
      return this;
    }

    /** The user, {@code uid[:gid]} or a name. */
    public Builder user(String value) {
      user = value;
      return this;
    }

    /** Adds an exposed port such as {@code 80/tcp}. */
    public Builder exposedPort(String value) {
      ports.add(value);
      return this;
    }

    /** Adds a label. */
    public Builder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    /** Builds config and manifest. */
    public TestImage build() {
      ImageConfig config =
          new ImageConfig(
              platform.os(),
              platform.architecture(),
              platform.variant(),
              new ImageConfig.RuntimeConfig(env, entrypoint, cmd, workingDir, user, ports, labels),
              layers.stream().map(LayerBlob::diffId).toList());
      byte[] configBytes = config.toJson();
      Descriptor configDescriptor =
          Descriptor.of(
              docker ? MediaType.DOCKER_CONFIG : MediaType.OCI_CONFIG,
              Digest.sha256(configBytes),
              configBytes.length);
      ImageManifest manifest =
          new ImageManifest(
              docker ? MediaType.DOCKER_MANIFEST : MediaType.OCI_MANIFEST,
              configDescriptor,
              layers.stream().map(l -> l.descriptor(docker)).toList(),
              Map.of());
      return new TestImage(layers, config, configBytes, manifest, manifest.toJson());
    }
  }
}
