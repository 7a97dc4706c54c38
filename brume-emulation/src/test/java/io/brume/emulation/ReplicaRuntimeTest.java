package io.brume.emulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Detection's decision and the one-line reason the dashboard shows, for every case. */
class ReplicaRuntimeTest {
  private static final Optional<Path> CRUN = Optional.of(Path.of("/usr/bin/crun"));
  private static final Optional<Path> UNSHARE = Optional.of(Path.of("/usr/bin/unshare"));
  private static final Optional<String> VERSION = Optional.of("1.8.1");

  @TempDir Path bundle;

  @Test
  void rootWithCrunRunsContainersAndNamesCrunsVersion() {
    ReplicaRuntime runtime =
        ReplicaRuntime.decide(
            new ReplicaRuntime.Machine(true, CRUN, VERSION, false, Optional.empty()));

    assertThat(runtime.containers()).isTrue();
    assertThat(runtime.description()).isEqualTo("containers (crun 1.8.1)");
    assertThat(runtime.crun()).contains(new Crun(CRUN.get(), Optional.empty()));
  }

  @Test
  void withHybridCgroupsCrunRunsThroughUnshareWithoutTheV2Tree() {
    ReplicaRuntime runtime =
        ReplicaRuntime.decide(new ReplicaRuntime.Machine(true, CRUN, VERSION, true, UNSHARE));

    assertThat(runtime.description()).isEqualTo("containers (crun 1.8.1)");
    assertThat(runtime.crun().orElseThrow().command(Path.of("/tmp/state"), "list"))
        .containsExactly(
            "/usr/bin/unshare",
            "-m",
            "--propagation",
            "private",
            "sh",
            "-c",
            "umount /sys/fs/cgroup/unified && exec '/usr/bin/crun' '--root' '/tmp/state' 'list'");
  }

  @Test
  void everyMissingPieceGivesInProcessWithItsReason() {
    assertThat(describe(new ReplicaRuntime.Machine(false, CRUN, VERSION, false, UNSHARE)))
        .isEqualTo("in-process (not root)");
    assertThat(
            describe(
                new ReplicaRuntime.Machine(
                    true, Optional.empty(), Optional.empty(), false, UNSHARE)))
        .isEqualTo("in-process (crun not found on PATH)");
    assertThat(describe(new ReplicaRuntime.Machine(true, CRUN, Optional.empty(), false, UNSHARE)))
        .isEqualTo("in-process (/usr/bin/crun --version failed)");
    assertThat(describe(new ReplicaRuntime.Machine(true, CRUN, VERSION, true, Optional.empty())))
        .isEqualTo(
            "in-process (cgroups in hybrid mode and no unshare to hide the v2 tree from crun)");
  }

  @Test
  void anImageWithoutBusyboxOrWwwRunsInProcess() throws Exception {
    ReplicaRuntime containers =
        ReplicaRuntime.decide(
            new ReplicaRuntime.Machine(true, CRUN, VERSION, false, Optional.empty()));
    Files.writeString(bundle.resolve("config.json"), "{}");
    Files.createDirectories(bundle.resolve("rootfs/bin"));

    assertThat(containers.forBundle(bundle).description())
        .isEqualTo("in-process (the image has no /bin/busybox)");
    // A link would be followed on the host, not in the image: it does not count.
    Files.createSymbolicLink(bundle.resolve("rootfs/bin/busybox"), Path.of("/bin/busybox"));
    assertThat(containers.forBundle(bundle).description())
        .isEqualTo("in-process (the image has no /bin/busybox)");
    Files.delete(bundle.resolve("rootfs/bin/busybox"));
    Files.writeString(bundle.resolve("rootfs/bin/busybox"), "");
    assertThat(containers.forBundle(bundle).description())
        .isEqualTo("in-process (the image has no /www)");
    Files.createDirectory(bundle.resolve("rootfs/www"));
    assertThat(containers.forBundle(bundle)).isSameAs(containers);
  }

  @Test
  void startingABundleWithoutBusyboxSaysSoAndStartsNothing(@TempDir Path state) throws Exception {
    Files.writeString(bundle.resolve("config.json"), "{}");
    Files.createDirectories(bundle.resolve("rootfs/www"));
    Crun absent = new Crun(Path.of("/nonexistent/crun"), Optional.empty());

    assertThatThrownBy(() -> ContainerReplica.start(absent, bundle, "edge", 0, state))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot run " + bundle + " as a demo replica: it has no /bin/busybox");
    try (var left = Files.list(state)) {
      assertThat(left).isEmpty();
    }
  }

  private static String describe(ReplicaRuntime.Machine machine) {
    return ReplicaRuntime.decide(machine).description();
  }
}
