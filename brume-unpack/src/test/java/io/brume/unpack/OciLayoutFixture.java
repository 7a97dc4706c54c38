package io.brume.unpack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Writes an OCI image layout directory (oci-layout, index.json, blobs) from layer tars. */
final class OciLayoutFixture {
  private OciLayoutFixture() {}

  /** Writes the layout with one manifest tagged {@code tag}; layers are gzip-compressed. */
  static void write(Path layout, String tag, List<byte[]> layerTars) throws Exception {
    Files.createDirectories(layout.resolve("blobs/sha256"));
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    List<String> diffIds = new ArrayList<>();
    List<String> layerDescriptors = new ArrayList<>();
    for (byte[] tar : layerTars) {
      diffIds.add("\"sha256:" + sha256(tar) + "\"");
      byte[] gz = gzip(tar);
      layerDescriptors.add(
          descriptor("application/vnd.oci.image.layer.v1.tar+gzip", blob(layout, gz), gz.length));
    }
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + String.join(",", diffIds)
                + "]}}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":"
                + descriptor(
                    "application/vnd.oci.image.config.v1+json", blob(layout, config), config.length)
                + ",\"layers\":["
                + String.join(",", layerDescriptors)
                + "]}")
            .getBytes(StandardCharsets.UTF_8);
    String manifestDigest = blob(layout, manifest);
    Files.writeString(
        layout.resolve("index.json"),
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"digest\":\"sha256:"
            + manifestDigest
            + "\",\"size\":"
            + manifest.length
            + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\""
            + tag
            + "\"}}]}");
  }

  private static String descriptor(String mediaType, String hex, long size) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\"sha256:"
        + hex
        + "\",\"size\":"
        + size
        + "}";
  }

  private static String blob(Path layout, byte[] content) throws Exception {
    String hex = sha256(content);
    Files.write(layout.resolve("blobs/sha256/" + hex), content);
    return hex;
  }

  static String sha256(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }

  private static byte[] gzip(byte[] content) throws IOException {
    var out = new ByteArrayOutputStream();
    try (var gz = new GZIPOutputStream(out)) {
      gz.write(content);
    }
    return out.toByteArray();
  }
}
