package io.brume.unpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleWriterTest {
  @TempDir Path work;

  static final String PASSWD =
      "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:App:/home/app:/bin/sh\n";
  static final String GROUP = "root:x:0:\napp:x:1000:\nwheel:x:10:app\naudio:x:29:other,app\n";

  private Path bundleWith(ImageProcess process, byte[]... layers) throws Exception {
    return bundleWith(work, process, layers);
  }

  /** A bundle under {@code work} from the layers (tars) and the image's process. */
  static Path bundleWith(Path work, ImageProcess process, byte[]... layers) throws Exception {
    List<BundleWriter.LayerDiff> diffs = new ArrayList<>();
    for (int i = 0; i < layers.length; i++) {
      Path diff = Files.createDirectories(work.resolve("diff" + i));
      ExtractionReport report =
          new LayerExtractor().extract(new ByteArrayInputStream(layers[i]), diff);
      diffs.add(new BundleWriter.LayerDiff(diff, report.changes()));
    }
    Path bundle = work.resolve("bundle");
    new BundleWriter().write(bundle, diffs, process);
    return bundle;
  }

  static byte[] etc() {
    return new TarBuilder()
        .dir("etc/", 0755)
        .file("etc/passwd", PASSWD, 0644)
        .file("etc/group", GROUP, 0644)
        .dir("tmp/", 01777)
        .bytes();
  }

  private static JsonNode config(Path bundle) throws Exception {
    return new ObjectMapper().readTree(bundle.resolve("config.json").toFile());
  }

  @Test
  void configCarriesTheImageProcessAndRuntimeDefaults() throws Exception {
    Path bundle =
        bundleWith(
            new ImageProcess(
                List.of("A=1"), List.of("/bin/entry"), List.of("--flag", "x"), "/srv", "app"),
            etc());

    JsonNode config = config(bundle);
    JsonNode process = config.get("process");
    assertThat(process.get("args").toString()).isEqualTo("[\"/bin/entry\",\"--flag\",\"x\"]");
    assertThat(process.get("env").toString())
        .isEqualTo("[\"" + BundleWriter.DEFAULT_PATH + "\",\"A=1\",\"HOME=/home/app\"]");
    assertThat(process.get("cwd").asText()).isEqualTo("/srv");
    assertThat(process.get("terminal").asBoolean()).isFalse();
    assertThat(process.at("/user/uid").asLong()).isEqualTo(1000);
    assertThat(process.at("/user/gid").asLong()).isEqualTo(1000);
    assertThat(process.at("/user/additionalGids").toString()).isEqualTo("[10,29]");
    assertThat(config.at("/root/path").asText()).isEqualTo("rootfs");
    assertThat(config.get("mounts").findValuesAsText("destination"))
        .containsExactly(
            "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup");
    assertThat(config.at("/linux/namespaces").findValuesAsText("type"))
        .containsExactlyInAnyOrder("pid", "ipc", "uts", "mount", "network");
    assertThat(config.at("/linux/maskedPaths").toString()).contains("/proc/kcore");
    assertThat(process.at("/capabilities/bounding").toString()).contains("CAP_KILL");
    assertThat(Files.isDirectory(bundle.resolve("rootfs/etc"))).isTrue();
  }

  @Test
  void usersAndGroupsResolveByNameOrNumber() throws Exception {
    Path rootfs = Files.createDirectories(work.resolve("rootfs/etc"));
    Files.writeString(rootfs.resolve("passwd"), PASSWD);
    Files.writeString(rootfs.resolve("group"), GROUP);
    UserResolver users = new UserResolver(work.resolve("rootfs"));

    assertThat(users.resolve("").uid()).isZero();
    assertThat(users.resolve("app:wheel").gid()).isEqualTo(10);
    assertThat(users.resolve("1000").gid()).isEqualTo(1000);
    assertThat(users.resolve("4242:77").uid()).isEqualTo(4242);
    assertThat(users.resolve("4242:77").gid()).isEqualTo(77);
    assertThat(users.resolve("4242").gid()).isZero();
    assertThatThrownBy(() -> users.resolve("nobody"))
        .hasMessageContaining("user \"nobody\" not found");
    assertThatThrownBy(() -> users.resolve("app:nogroup"))
        .hasMessageContaining("group \"nogroup\" not found");
  }

  @Test
  void passwdSymlinkedOutOfTheRootfsIsReadInsideIt() throws Exception {
    Path rootfs = Files.createDirectories(work.resolve("rootfs/etc"));
    Files.createSymbolicLink(rootfs.resolve("passwd"), Path.of("/etc/passwd"));

    // The host's /etc/passwd is never consulted: inside the rootfs the link points to itself.
    assertThatThrownBy(() -> new UserResolver(work.resolve("rootfs")).resolve("root"))
        .hasMessageContaining("too many levels of symbolic links inside the root");
  }

  @Test
  void imageWithoutCommandIsRefused() {
    assertThatThrownBy(
            () -> bundleWith(new ImageProcess(List.of(), List.of(), List.of(), "", ""), etc()))
        .hasMessageContaining("neither Entrypoint nor Cmd");
  }
}
