package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.oci.MediaType.Compression;
import io.brume.oci.Platform;
import io.brume.testing.ImagePusher;
import io.brume.testing.LocalRegistry;
import io.brume.testing.TestImage;
import io.brume.testing.TestLayer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** pull → images → export → rm → gc, through the CLI, against Debian's real docker-registry. */
class ImageCommandsIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.create();

  @TempDir Path store;
  @TempDir Path work;

  @BeforeAll
  static void push() {
    TestImage image =
        TestImage.builder()
            .platform(Platform.host())
            .layer(
                TestLayer.builder().file("etc/motd", "base\n").file("etc/old", "x\n"),
                Compression.GZIP)
            .layer(
                TestLayer.builder().whiteout("etc/old").file("etc/motd", "top\n"), Compression.ZSTD)
            .env("GREETING=hello")
            .entrypoint("/bin/sh", "-c")
            .cmd("echo $GREETING")
            .build();
    try (ImagePusher pusher = ImagePusher.anonymous(REGISTRY)) {
      pusher.push("cli/app", "v1", image);
    }
  }

  record Run(int exit, String out, String err) {}

  private Run brume(String... args) {
    CapturedCli cli = new CapturedCli(); // one per run: each Run holds only its own output
    int exit = cli.run(args);
    return new Run(exit, cli.out(), cli.err());
  }

  @Test
  void pullListExportRemoveAndCollect() throws Exception {
    String ref = REGISTRY.hostPort() + "/cli/app:v1";

    Run pull = brume("pull", "--store", store.toString(), "--plain-http", ref);
    assertThat(pull.exit()).as(pull.err()).isZero();
    assertThat(pull.out())
        .contains("Pulled " + ref)
        .contains("2 of 2 layers new")
        .contains("Digest: sha256:");

    Run quietAgain = brume("pull", "--store", store.toString(), "--plain-http", "--quiet", ref);
    assertThat(quietAgain.out().strip()).matches("sha256:[0-9a-f]{64}");

    Run images = brume("images", "--store", store.toString());
    assertThat(images.out()).contains("REFERENCE").contains(ref);

    Path bundle = work.resolve("bundle");
    Run export = brume("export", "--store", store.toString(), ref, "--bundle", bundle.toString());
    assertThat(export.exit()).as(export.err()).isZero();
    assertThat(bundle.resolve("rootfs/etc/motd")).hasContent("top");
    assertThat(bundle.resolve("rootfs/etc/old")).doesNotExist();
    assertThat(Files.readString(bundle.resolve("config.json")))
        .contains("GREETING=hello")
        .contains("echo $GREETING");

    Run rm = brume("rm", "--store", store.toString(), ref);
    assertThat(rm.out()).contains("Removed " + ref);
    assertThat(brume("images", "--store", store.toString()).out()).doesNotContain(ref);

    Run gc = brume("gc", "--store", store.toString());
    assertThat(gc.out()).containsPattern("Removed [1-9]\\d* blobs, 2 snapshots");
  }

  @Test
  void badInputIsAClearErrorNotAStackTrace() {
    Run badStrategy =
        brume(
            "pull",
            "--store",
            store.toString(),
            "--strategy",
            "teleport",
            REGISTRY.hostPort() + "/cli/app:v1");
    assertThat(badStrategy.exit()).isEqualTo(1);
    assertThat(badStrategy.err())
        .contains("unknown pull strategy 'teleport'")
        .doesNotContain("\tat ");

    Run missing =
        brume(
            "pull",
            "--store",
            store.toString(),
            "--plain-http",
            REGISTRY.hostPort() + "/cli/nope:v1");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("cli/nope").doesNotContain("\tat ");

    Run noImage = brume("rm", "--store", store.toString(), "never/pulled");
    assertThat(noImage.exit()).isEqualTo(1);
    assertThat(noImage.err()).contains("docker.io/never/pulled:latest");

    Run badRate =
        brume(
            "pull",
            "--store",
            store.toString(),
            "--limit-rate",
            "fast",
            REGISTRY.hostPort() + "/cli/app:v1");
    assertThat(badRate.exit()).isEqualTo(1);
    assertThat(badRate.err()).contains("fast");
  }
}
