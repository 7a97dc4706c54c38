package io.brume.unpack;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.testing.Prerequisites;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link LayerExtractor} applies only as root: ownership, device nodes, trusted xattrs. */
class LayerExtractorRootIT {
  @TempDir Path diff;

  private final LayerExtractor extractor = new LayerExtractor();

  @Test
  void appliesOwnershipXattrsFifosAndDevicesAsRoot() throws Exception {
    Prerequisites.requireRoot("ownership and device nodes");
    byte[] tar =
        new TarBuilder()
            .owner(1234, 5678)
            .file("owned", "o", 0640)
            .xattr("user.note", "hello")
            .xattr("trusted.brume", "t")
            .fifo("pipe", 0600)
            .charDevice("null", 1, 3)
            .blockDevice("disk", 259, 70000)
            .bytes();

    ExtractionReport report = extractor.extract(new java.io.ByteArrayInputStream(tar), diff);

    Map<String, Object> owned = Files.readAttributes(diff.resolve("owned"), "unix:*");
    assertThat(owned.get("uid")).isEqualTo(1234);
    assertThat(owned.get("gid")).isEqualTo(5678);
    assertThat(
            new String(Posix.lgetxattr(diff.resolve("owned"), "user.note"), StandardCharsets.UTF_8))
        .isEqualTo("hello");
    assertThat(Posix.llistxattr(diff.resolve("owned"))).contains("trusted.brume");
    assertThat(LayerExtractorTest.modeWithType(diff.resolve("pipe")) & 0170000).isEqualTo(0010000);
    assertThat(LayerExtractorTest.modeWithType(diff.resolve("null")) & 0170000).isEqualTo(0020000);
    assertThat(LayerExtractorTest.attribute(diff.resolve("null"), "rdev"))
        .isEqualTo((Object) 0x103L);
    assertThat(LayerExtractorTest.modeWithType(diff.resolve("disk")) & 0170000).isEqualTo(0060000);
    assertThat(report.skipped()).isEmpty();
  }
}
