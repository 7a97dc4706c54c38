package io.brume.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStream;
import io.brume.oci.Digest;
import io.brume.oci.MediaType;
import io.brume.oci.MediaType.Compression;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

class TestLayerTest {

  private static TestLayer everyEntryType() {
    return TestLayer.builder()
        .directory("etc", 0755)
        .file(
            "etc/passwd",
            "root:x:0:0\n".getBytes(StandardCharsets.UTF_8),
            0600,
            Instant.parse("2020-05-06T07:08:09Z"),
            1000,
            100)
        .symlink("etc/link", "passwd")
        .hardLink("etc/hard", "etc/passwd")
        .fileWithXattrs("etc/capable", "x", Map.of("user.brume", "yes"))
        .whiteout("var/old")
        .opaqueWhiteout("opt")
        .charDevice("dev/null", 1, 3)
        .fifo("run/pipe")
        .file("d/" + "long".repeat(40), "long name")
        .file("../escape", "evil");
  }

  @Test
  void writesEveryEntryTypeFaithfully() throws IOException {
    List<TarArchiveEntry> entries = read(new ByteArrayInputStream(everyEntryType().tar()));
    assertThat(entries)
        .extracting(TarArchiveEntry::getName)
        .containsExactly(
            "etc/",
            "etc/passwd",
            "etc/link",
            "etc/hard",
            "etc/capable",
            "var/.wh.old",
            "opt/.wh..wh..opq",
            "dev/null",
            "run/pipe",
            "d/" + "long".repeat(40),
            "../escape");
    TarArchiveEntry passwd = entries.get(1);
    assertThat(passwd.getMode() & 07777).isEqualTo(0600);
    assertThat(passwd.getLongUserId()).isEqualTo(1000);
    assertThat(passwd.getLongGroupId()).isEqualTo(100);
    assertThat(passwd.getModTime().toInstant()).isEqualTo(Instant.parse("2020-05-06T07:08:09Z"));
    assertThat(entries.get(0).isDirectory()).isTrue();
    assertThat(entries.get(2).isSymbolicLink()).isTrue();
    assertThat(entries.get(2).getLinkName()).isEqualTo("passwd");
    assertThat(entries.get(3).isLink()).isTrue();
    assertThat(entries.get(4).getExtraPaxHeaders()).containsEntry("SCHILY.xattr.user.brume", "yes");
    assertThat(entries.get(7).isCharacterDevice()).isTrue();
    assertThat(entries.get(7).getDevMajor()).isEqualTo(1);
    assertThat(entries.get(7).getDevMinor()).isEqualTo(3);
    assertThat(entries.get(8).isFIFO()).isTrue();
  }

  @Test
  void compressesAndDigestsEachWay() throws IOException {
    TestLayer layer = everyEntryType();
    byte[] tar = layer.tar();
    LayerBlob plain = layer.build(Compression.NONE);
    LayerBlob gzip = layer.build(Compression.GZIP);
    LayerBlob zstd = layer.build(Compression.ZSTD);
    assertThat(plain.blob()).isEqualTo(tar);
    assertThat(new GZIPInputStream(new ByteArrayInputStream(gzip.blob())).readAllBytes())
        .isEqualTo(tar);
    assertThat(new ZstdInputStream(new ByteArrayInputStream(zstd.blob())).readAllBytes())
        .isEqualTo(tar);
    for (LayerBlob blob : List.of(plain, gzip, zstd)) {
      assertThat(blob.diffId()).isEqualTo(Digest.sha256(tar));
      assertThat(blob.digest()).isEqualTo(Digest.sha256(blob.blob()));
      assertThat(MediaType.layerCompression(blob.ociMediaType())).isEqualTo(blob.compression());
      assertThat(MediaType.layerCompression(blob.dockerMediaType())).isEqualTo(blob.compression());
    }
    assertThat(layer.build(Compression.GZIP).blob()).as("reproducible").isEqualTo(gzip.blob());
  }

  @Test
  void imageConfigListsDiffIdsAndIndexCarriesPlatforms() {
    TestImage amd64 =
        TestImage.builder()
            .layer(TestLayer.builder().file("a", "1"), Compression.GZIP)
            .layer(TestLayer.builder().whiteout("a"), Compression.ZSTD)
            .env("A=1")
            .entrypoint("/bin/sh")
            .build();
    TestImage arm =
        TestImage.builder()
            .platform(io.brume.oci.Platform.parse("linux/arm/v7"))
            .dockerFormat()
            .layer(TestLayer.builder().file("a", "2"), Compression.NONE)
            .build();
    assertThat(amd64.config().diffIds())
        .containsExactly(amd64.layers().get(0).diffId(), amd64.layers().get(1).diffId());
    assertThat(amd64.manifest().layers().get(1).mediaType()).isEqualTo(MediaType.OCI_LAYER_ZSTD);
    assertThat(arm.manifest().mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST);
    assertThat(arm.manifest().layers().get(0).mediaType()).isEqualTo(MediaType.DOCKER_LAYER_TAR);
    TestIndex index = TestIndex.of(false, List.of(amd64, arm));
    assertThat(index.index().platforms())
        .extracting(Object::toString)
        .containsExactly("linux/amd64", "linux/arm/v7");
  }

  private static List<TarArchiveEntry> read(InputStream in) throws IOException {
    List<TarArchiveEntry> entries = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        entries.add(entry);
      }
    }
    return entries;
  }
}
