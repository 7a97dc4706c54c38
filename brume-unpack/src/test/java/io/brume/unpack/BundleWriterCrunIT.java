package io.brume.unpack;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle {@link BundleWriter} exports runs under Debian's crun (root). */
class BundleWriterCrunIT {
  @TempDir Path work;

  /**
   * Runs the bundle with real crun (Debian {@code crun}, static busybox from {@code
   * busybox-static}). This sandbox mounts cgroups in hybrid mode, which crun 1.8 refuses ("cgroups
   * in hybrid mode not supported, drop all controllers from cgroupv2"); the test then runs crun in
   * a private mount namespace without the cgroup2 mount, which leaves crun on cgroup v1 and changes
   * nothing else.
   */
  @Test
  void crunRunsTheExportedBundle() throws Exception {
    Prerequisites.requireTools("crun", "busybox"); // Debian packages crun, busybox-static
    Prerequisites.requireRoot("crun run");
    byte[] busybox =
        new TarBuilder()
            .dir("bin/", 0755)
            .file("bin/busybox", Files.readAllBytes(Path.of("/bin/busybox")), 0755)
            .symlink("bin/sh", "busybox")
            .bytes();
    Path bundle =
        BundleWriterTest.bundleWith(
            work,
            new ImageProcess(
                List.of("GREETING=hello"),
                List.of("/bin/sh", "-c"),
                List.of("echo $GREETING; id -u; pwd"),
                "/tmp",
                "app"),
            BundleWriterTest.etc(),
            busybox);

    String id = "brume-test-" + UUID.randomUUID();
    String output = crun(bundle, id);
    if (output.contains("cgroups in hybrid mode not supported")) {
      output = crunWithoutCgroup2(bundle, id);
    }

    assertThat(output).isEqualTo("hello\n1000\n/tmp\n");
  }

  private static String crun(Path bundle, String id) throws Exception {
    return run(List.of("crun", "run", "--bundle", bundle.toString(), id), id);
  }

  private static String crunWithoutCgroup2(Path bundle, String id) throws Exception {
    String script =
        "umount /sys/fs/cgroup/unified && exec crun run --bundle '" + bundle + "' '" + id + "'";
    return run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", script), id);
  }

  private static String run(List<String> command, String id) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes());
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return output;
    } finally {
      process.destroyForcibly();
      new ProcessBuilder("crun", "delete", "--force", id).start().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
