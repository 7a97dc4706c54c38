package io.brume.doctor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Partitions on SD cards and other flash ({@code mmcblk*}, or non-rotational removable disks)
 * should start on a 4 MiB erase-block boundary ({@code /sys/block/DEV/PART/start} × 512 bytes), and
 * their filesystems should use blocks of at least 4 KiB. A misaligned partition makes writes
 * straddle two erase blocks, doubling the card's erase work and wearing it faster.
 */
public final class FlashAlignmentCheck implements Check {
  static final long ERASE_BLOCK_BYTES = 4L << 20;
  static final long MIN_FS_BLOCK_BYTES = 4096;
  static final long SECTOR_BYTES = 512;

  @Override
  public String name() {
    return "flash alignment";
  }

  @Override
  public List<Finding> run(SystemView system) {
    Map<String, String> mountPoints = mountPoints(system);
    List<Finding> findings = new ArrayList<>();
    for (Path device : system.list("/sys/block")) {
      String disk = device.getFileName().toString();
      if (!isFlash(system, disk)) {
        continue;
      }
      for (Path partition : system.list("/sys/block/" + disk)) {
        String part = partition.getFileName().toString();
        if (!Files.isRegularFile(partition.resolve("start"))) {
          continue;
        }
        findings.add(alignment(system, disk, part));
        String mountPoint = mountPoints.get("/dev/" + part);
        if (mountPoint != null) {
          findings.add(blockSize(system, part, mountPoint));
        }
      }
    }
    if (findings.isEmpty()) {
      return List.of(Finding.ok(name(), "no SD card or removable flash partition found"));
    }
    return findings;
  }

  private static boolean isFlash(SystemView system, String disk) {
    if (disk.startsWith("mmcblk")) {
      return !disk.contains("boot") && !disk.contains("rpmb");
    }
    if (disk.startsWith("loop")
        || disk.startsWith("ram")
        || disk.startsWith("zram")
        || disk.startsWith("dm-")
        || disk.startsWith("md")
        || disk.startsWith("sr")
        || disk.startsWith("nbd")) {
      return false;
    }
    return "0".equals(system.read("/sys/block/" + disk + "/queue/rotational").orElse(""))
        && "1".equals(system.read("/sys/block/" + disk + "/removable").orElse(""));
  }

  private Finding alignment(SystemView system, String disk, String part) {
    Optional<String> start = system.read("/sys/block/" + disk + "/" + part + "/start");
    long sectors;
    try {
      sectors = Long.parseLong(start.orElse(""));
    } catch (NumberFormatException e) {
      return Finding.unknown(name(), "/dev/" + part + ": cannot read its start sector");
    }
    long offset = sectors * SECTOR_BYTES;
    String where = "/dev/" + part + " starts at sector " + sectors + " (" + offset + " bytes)";
    if (offset % ERASE_BLOCK_BYTES == 0) {
      return Finding.ok(name(), where + ", a multiple of 4 MiB");
    }
    long aligned = (offset / ERASE_BLOCK_BYTES + 1) * ERASE_BLOCK_BYTES / SECTOR_BYTES;
    return Finding.warn(
        name(),
        where + ", not a multiple of 4 MiB",
        "re-create the partition starting at a multiple of 8192 sectors (e.g. "
            + aligned
            + ") when the card is next re-imaged",
        "flash erases in blocks of (typically) 4 MiB; a misaligned partition makes filesystem"
            + " writes straddle two erase blocks, doubling erase work and wear");
  }

  private Finding blockSize(SystemView system, String part, String mountPoint) {
    long size = system.blockSize(mountPoint);
    if (size <= 0) {
      return Finding.unknown("fs block size", "/dev/" + part + " on " + mountPoint + ": unknown");
    }
    String what = "/dev/" + part + " on " + mountPoint + ": " + size + "-byte blocks";
    if (size >= MIN_FS_BLOCK_BYTES) {
      return Finding.ok("fs block size", what);
    }
    return Finding.warn(
        "fs block size",
        what,
        "re-create the filesystem with 4 KiB blocks (mkfs.ext4 -b 4096) when the card is re-imaged",
        "blocks smaller than the card's 4 KiB pages turn each write into a read-modify-write");
  }

  /** Device → mount point, from {@code /proc/mounts} (first mount wins). */
  private static Map<String, String> mountPoints(SystemView system) {
    Map<String, String> mounts = new HashMap<>();
    for (String line : system.read("/proc/mounts").orElse("").split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 2 && fields[0].startsWith("/dev/")) {
        mounts.putIfAbsent(fields[0], fields[1].replace("\\040", " "));
      }
    }
    return mounts;
  }
}
