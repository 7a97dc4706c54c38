package io.brume.emulation;

import io.brume.oci.Descriptor;
import io.brume.oci.Digest;
import io.brume.oci.ImageConfig;
import io.brume.oci.ImageManifest;
import io.brume.oci.MediaType;
import io.brume.oci.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The demo service's OCI image, built in memory at start-up: two gzip layers whose bytes depend
 * only on the seed, the sizes and the host's {@code /bin/busybox} (fixed timestamps and owners, no
 * gzip time stamp), so every run serves the same digests on the same machine.
 *
 * <ul>
 *   <li>base layer: {@code /bin/busybox} when the host has it (its httpd serves the replica in a
 *       container) and {@code /opt/demo/base.bin}, seeded noise standing in for a runtime;
 *   <li>app layer: {@code /www/index.html} and {@code /opt/demo/app.bin}, noise for the app.
 * </ul>
 *
 * Noise does not compress, so the compressed size is what the sizes say: what a link's rate turns
 * into deployment time.
 *
 * @param manifest the manifest
 * @param manifestBytes the manifest as served
 * @param blobs every blob (config and layers) by digest
 */
record DemoImage(ImageManifest manifest, byte[] manifestBytes, Map<Digest, byte[]> blobs) {
  /** The repository and tag the origin serves the image under. */
  static final String REPOSITORY = "brume/demo";

  static final String TAG = "v1";
  static final Path HOST_BUSYBOX = Path.of("/bin/busybox");
  private static final Instant MTIME = Instant.parse("2026-01-01T00:00:00Z");

  DemoImage {
    blobs = Map.copyOf(blobs);
  }

  /**
   * Builds the image.
   *
   * @param baseNoiseBytes size of the base layer's noise file
   * @param appNoiseBytes size of the app layer's noise file
   * @param busybox the host's busybox to include, when present
   */
  static DemoImage build(
      long seed, int baseNoiseBytes, int appNoiseBytes, Optional<Path> busybox, Platform platform) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, byte[]> base = new LinkedHashMap<>();
    busybox.filter(Files::isRegularFile).ifPresent(p -> base.put("bin/busybox", read(p)));
    base.put("opt/demo/base.bin", noise(random, baseNoiseBytes));
    Map<String, byte[]> app = new LinkedHashMap<>();
    app.put(
        "www/index.html",
        "<!doctype html><title>brume demo</title><p>served by a brume demo replica</p>\n"
            .getBytes(StandardCharsets.UTF_8));
    app.put("opt/demo/app.bin", noise(random, appNoiseBytes));

    Map<Digest, byte[]> blobs = new LinkedHashMap<>();
    List<Descriptor> layers = new ArrayList<>();
    List<Digest> diffIds = new ArrayList<>();
    for (Map<String, byte[]> files : List.of(base, app)) {
      byte[] tar = tar(files);
      byte[] gzip = gzip(tar);
      Digest digest = Digest.sha256(gzip);
      blobs.put(digest, gzip);
      layers.add(Descriptor.of(MediaType.OCI_LAYER_GZIP, digest, gzip.length));
      diffIds.add(Digest.sha256(tar));
    }
    ImageConfig config =
        new ImageConfig(
            platform.os(),
            platform.architecture(),
            platform.variant(),
            new ImageConfig.RuntimeConfig(
                List.of("PATH=/bin"),
                List.of("/bin/busybox", "httpd", "-f", "-h", "/www"),
                List.of(),
                "/",
                "",
                List.of("80/tcp"),
                Map.of()),
            diffIds);
    byte[] configBytes = config.toJson();
    Digest configDigest = Digest.sha256(configBytes);
    blobs.put(configDigest, configBytes);
    ImageManifest manifest =
        new ImageManifest(
            MediaType.OCI_MANIFEST,
            Descriptor.of(MediaType.OCI_CONFIG, configDigest, configBytes.length),
            layers,
            Map.of());
    return new DemoImage(manifest, manifest.toJson(), blobs);
  }

  /** The digest of {@link #manifestBytes()}. */
  Digest manifestDigest() {
    return Digest.sha256(manifestBytes);
  }

  /** Compressed bytes of the layers: what a node fetches. */
  long layerBytes() {
    return manifest.layers().stream().mapToLong(Descriptor::size).sum();
  }

  private static byte[] noise(SplittableRandom random, int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + " for the demo image", e);
    }
  }

  private static byte[] tar(Map<String, byte[]> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, "UTF-8")) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      List<String> directories = new ArrayList<>();
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        String name = file.getKey();
        for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
          String directory = name.substring(0, slash + 1);
          if (!directories.contains(directory)) {
            directories.add(directory);
            tar.putArchiveEntry(entry(directory, 0755, 0));
            tar.closeArchiveEntry();
          }
        }
        boolean executable = name.startsWith("bin/");
        tar.putArchiveEntry(entry(name, executable ? 0755 : 0644, file.getValue().length));
        tar.write(file.getValue());
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build the demo image's layer", e);
    }
    return bytes.toByteArray();
  }

  private static TarArchiveEntry entry(String name, int mode, long size) {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setMode((name.endsWith("/") ? 040000 : 0100000) | mode); // file type bits | permissions
    entry.setModTime(MTIME.toEpochMilli());
    entry.setUserId(0);
    entry.setGroupId(0);
    entry.setSize(size);
    return entry;
  }

  /** gzip with the header's time stamp left at 0 ({@link GZIPOutputStream} writes 0). */
  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes, 64 * 1024)) {
      out.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot compress the demo image's layer", e);
    }
    return bytes.toByteArray();
  }
}
