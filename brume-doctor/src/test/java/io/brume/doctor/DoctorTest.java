package io.brume.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorTest {
  @TempDir Path root;

  private static List<Finding> findings(Doctor.Report report, String check) {
    return report.findings().stream().filter(f -> f.check().equals(check)).toList();
  }

  private static String render(Doctor.Report report) {
    StringWriter out = new StringWriter();
    Doctor.render(report, new PrintWriter(out));
    return out.toString();
  }

  @Test
  void aWellConfiguredPiIsHealthy() {
    Doctor.Report report = Doctor.standard().examine(FakeNode.healthyPi(root).view(), false);

    assertThat(report.findings())
        .allSatisfy(f -> assertThat(f.status()).as(f.toString()).isEqualTo(Status.OK));
    assertThat(report.exitCode()).isZero();
    // The rotational disk's odd partition start is none of the flash check's business.
    assertThat(render(report)).doesNotContain("sda1").contains("mmcblk0p2 starts at sector 532480");
  }

  @Test
  void lowSwappinessOnASmallNodeWithSwapIsAWarningThatFixSets() throws IOException {
    FakeNode node = FakeNode.healthyPi(root).file("/proc/sys/vm/swappiness", "60\n");

    Doctor.Report before = Doctor.standard().examine(node.view(), false);
    assertThat(findings(before, "swappiness").getFirst().status()).isEqualTo(Status.WARN);
    assertThat(render(before))
        .contains("vm.swappiness=60")
        .contains("set vm.swappiness=100")
        .contains("why:");
    assertThat(before.exitCode()).isEqualTo(1);
    assertThat(Files.readString(root.resolve("proc/sys/vm/swappiness"))).isEqualTo("60\n");

    Doctor.Report after = Doctor.standard().examine(node.view(), true);

    assertThat(Files.readString(root.resolve("proc/sys/vm/swappiness"))).isEqualTo("100\n");
    assertThat(after.actions())
        .singleElement()
        .asString()
        .contains("wrote 100 to /proc/sys/vm/swappiness");
    assertThat(findings(after, "swappiness").getFirst().status()).isEqualTo(Status.OK);
    assertThat(after.exitCode()).isZero();
  }

  @Test
  void swappinessIsNotAdvisedOnABigNodeOrWithoutSwap() {
    FakeNode big =
        FakeNode.healthyPi(root)
            .file("/proc/sys/vm/swappiness", "60\n")
            .file("/proc/meminfo", FakeNode.meminfo(16384, 12000, 0, 0));
    assertThat(
            findings(Doctor.standard().examine(big.view(), false), "swappiness")
                .getFirst()
                .status())
        .isEqualTo(Status.OK);
  }

  @Test
  void misalignedSdPartitionAndSmallFilesystemBlocksAreWarnings() {
    FakeNode node =
        FakeNode.healthyPi(root).file("/sys/block/mmcblk0/mmcblk0p2/start", "1050624\n");
    node.blockSizes.put("/", 1024L);

    Doctor.Report report = Doctor.standard().examine(node.view(), true);

    List<Finding> alignment = findings(report, "flash alignment");
    assertThat(alignment).extracting(Finding::status).containsExactly(Status.OK, Status.WARN);
    assertThat(alignment.get(1).summary())
        .contains("/dev/mmcblk0p2")
        .contains("not a multiple of 4 MiB");
    assertThat(alignment.get(1).change()).contains("1056768");
    assertThat(findings(report, "fs block size"))
        .anySatisfy(f -> assertThat(f.summary()).contains("1024-byte blocks"))
        .anySatisfy(f -> assertThat(f.status()).isEqualTo(Status.WARN));
    // Re-partitioning is never automatic.
    assertThat(report.actions()).isEmpty();
  }

  @Test
  void missingMemoryControllerSwapDecompressorsAndStatisticMatchAreWarnings() {
    FakeNode node =
        new FakeNode(root)
            .file("/proc/meminfo", FakeNode.meminfo(1024, 60, 0, 0))
            .file("/proc/sys/vm/swappiness", "60\n")
            .file("/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io pids\n")
            .file("/proc/sys/kernel/osrelease", "6.1.0-rpi7-rpi-v8\n")
            .file(
                "/lib/modules/6.1.0-rpi7-rpi-v8/modules.builtin",
                "kernel/net/netfilter/xt_mark.ko\n");
    node.commandOutputs.put("timedatectl show -p NTPSynchronized --value", "no\n");
    node.executable("/usr/bin/timedatectl");

    Doctor.Report report = Doctor.standard().examine(node.view(), false);
    String text = render(report);

    assertThat(findings(report, "memory").getFirst().status()).isEqualTo(Status.WARN);
    assertThat(findings(report, "swap").getFirst().summary()).contains("no swap on a 1.0 GiB node");
    assertThat(findings(report, "cgroup v2").getFirst().change()).contains("cgroup_enable=memory");
    assertThat(findings(report, "decompressors").getFirst().status()).isEqualTo(Status.WARN);
    assertThat(findings(report, "iptables statistic").getFirst().status()).isEqualTo(Status.WARN);
    assertThat(findings(report, "network namespaces").getFirst().status()).isEqualTo(Status.WARN);
    assertThat(findings(report, "clock sync").getFirst().summary()).contains("NTPSynchronized=no");
    assertThat(text).contains("apt install isal").contains("timedatectl set-ntp true");
    assertThat(report.exitCode()).isEqualTo(1);
  }

  @Test
  void statisticAsALoadableModuleAndClockViaTimedatectlAreFine() {
    FakeNode node =
        FakeNode.healthyPi(root)
            .file("/proc/net/ip_tables_matches", "conntrack\n")
            .file("/proc/sys/kernel/osrelease", "6.12.0-amd64\n")
            .file("/lib/modules/6.12.0-amd64/kernel/net/netfilter/xt_statistic.ko.xz", "");
    node.executable("/usr/bin/timedatectl");
    node.commandOutputs.put("timedatectl show -p NTPSynchronized --value", "yes\n");
    try {
      Files.delete(root.resolve("run/systemd/timesync/synchronized"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }

    Doctor.Report report = Doctor.standard().examine(node.view(), false);

    assertThat(findings(report, "iptables statistic").getFirst().summary()).contains("module");
    assertThat(findings(report, "clock sync").getFirst().summary()).contains("NTPSynchronized=yes");
    assertThat(report.exitCode()).isZero();
  }
}
