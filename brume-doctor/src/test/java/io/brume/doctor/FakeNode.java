package io.brume.doctor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A fake /proc, /sys and /run tree of a Raspberry-Pi-class node, for the checks. */
final class FakeNode {
  final Path root;
  final Map<String, Long> blockSizes = new HashMap<>();
  final Map<String, String> commandOutputs = new HashMap<>();

  FakeNode(Path root) {
    this.root = root;
  }

  FakeNode file(String absolute, String content) {
    try {
      Path path = root.resolve(absolute.substring(1));
      Files.createDirectories(path.getParent());
      Files.writeString(path, content);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  FakeNode executable(String absolute) {
    file(absolute, "#!/bin/sh\n");
    try {
      Files.setPosixFilePermissions(
          root.resolve(absolute.substring(1)), PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  static String meminfo(long totalMib, long availableMib, long swapMib, long swapFreeMib) {
    return "MemTotal:       %d kB\nMemFree:          20000 kB\nMemAvailable:   %d kB\nCached:  300000 kB\nSwapTotal:      %d kB\nSwapFree:       %d kB\n"
        .formatted(totalMib * 1024, availableMib * 1024, swapMib * 1024, swapFreeMib * 1024);
  }

  /** A healthy 1 GiB node with an aligned SD card. */
  static FakeNode healthyPi(Path root) {
    FakeNode node = new FakeNode(root);
    node.file("/proc/meminfo", meminfo(1024, 400, 512, 500))
        .file("/proc/sys/vm/swappiness", "100\n")
        .file("/sys/block/mmcblk0/queue/rotational", "0\n")
        .file("/sys/block/mmcblk0/removable", "0\n")
        .file("/sys/block/mmcblk0/mmcblk0p1/start", "8192\n")
        .file("/sys/block/mmcblk0/mmcblk0p2/start", "532480\n")
        .file("/sys/block/sda/queue/rotational", "1\n")
        .file("/sys/block/sda/sda1/start", "63\n")
        .file(
            "/proc/mounts",
            "/dev/mmcblk0p2 / ext4 rw,noatime 0 0\n/dev/mmcblk0p1 /boot/firmware vfat rw 0 0\nproc /proc proc rw 0 0\n")
        .file("/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n")
        .executable("/usr/bin/pigz")
        .executable("/usr/bin/zstd")
        .file("/proc/net/ip_tables_matches", "conntrack\nstatistic\n")
        .file("/proc/self/ns/net", "")
        .file("/run/systemd/timesync/synchronized", "");
    node.blockSizes.put("/", 4096L);
    node.blockSizes.put("/boot/firmware", 4096L);
    return node;
  }

  SystemView view() {
    return new SystemView(
        root,
        List.of(Path.of("/usr/bin"), Path.of("/usr/sbin")),
        command -> Optional.ofNullable(commandOutputs.get(String.join(" ", command))),
        mountPoint -> {
          String absolute = "/" + root.relativize(mountPoint).toString().replace('\\', '/');
          return blockSizes.getOrDefault(absolute, -1L);
        });
  }
}
