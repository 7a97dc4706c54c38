package io.brume.emulation;

import io.brume.store.Durable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The temporary directories a {@code brume up} run creates ({@code brume-up-…}: the node stores and
 * bundles, the probe key, each replica container's state), and the removal of those that a killed
 * run left behind.
 *
 * <p>A run that ends, even by Ctrl-C, removes its own. One killed by SIGKILL, the OOM killer or a
 * power cut cannot, and its crun containers keep serving on the host. So every directory records
 * its owner, the process id and its start time (a pid alone can be reused), in a file {@value
 * #OWNER_FILE}, and the next run removes the directories whose owner is gone: crun's containers
 * first ({@code crun delete --force}), then the files. A directory without an owner file is never
 * touched: brume did not write it, or wrote it before it recorded owners.
 */
final class RunDirectories {
  /** Every directory, and every container id, of a {@code brume up} run starts with this. */
  static final String PREFIX = "brume-up-";

  static final String OWNER_FILE = "owner";

  /** crun's state root inside a replica's state directory ({@link ContainerReplica}). */
  static final String CRUN_ROOT = "crun";

  private static final Duration CRUN_TIMEOUT = Duration.ofSeconds(60);

  private RunDirectories() {}

  /** The system's temporary directory, where runs keep their directories. */
  static Path temporaryDirectory() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /**
   * A new directory {@code brume-up-<kind><random>} under {@code parent}, owned by this process.
   */
  static Path create(Path parent, String kind, FileAttribute<?>... attributes) throws IOException {
    Path directory = Files.createTempDirectory(parent, PREFIX + kind, attributes);
    try {
      Files.writeString(directory.resolve(OWNER_FILE), owner(ProcessHandle.current()));
    } catch (IOException e) {
      Files.deleteIfExists(directory);
      throw e;
    }
    return directory;
  }

  /**
   * Removes the run directories under {@code parent} whose owner process is gone, deleting their
   * crun containers first with {@code crun} when there is one.
   *
   * @return one line per directory removed, or kept because it could not be (saying why and how)
   */
  static List<String> removeOrphans(Path parent, Optional<Crun> crun) {
    List<String> report = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, PREFIX + "*")) {
      for (Path directory : entries) {
        if (isOrphan(directory)) {
          report.add(remove(directory, crun));
        }
      }
    } catch (IOException e) {
      report.add("cannot list " + parent + " for leftovers of killed runs: " + e.getMessage());
    }
    return report;
  }

  /** The owner line of {@code process}: its pid and start time in epoch milliseconds. */
  static String owner(ProcessHandle process) {
    long started = process.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    return process.pid() + " " + started + "\n";
  }

  /** Whether {@code directory} is a run directory whose owner has ended. */
  static boolean isOrphan(Path directory) {
    Path ownerFile = directory.resolve(OWNER_FILE);
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)
        || !Files.isRegularFile(ownerFile, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    String[] fields;
    long pid;
    try {
      fields = Files.readString(ownerFile, StandardCharsets.UTF_8).strip().split(" ");
      pid = Long.parseLong(fields[0]);
    } catch (IOException | NumberFormatException e) {
      return false; // being written, or not ours: leave it
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    return process.isEmpty() || !owner(process.get()).strip().equals(String.join(" ", fields));
  }

  private static String remove(Path directory, Optional<Crun> crun) {
    Path crunRoot = directory.resolve(CRUN_ROOT);
    List<String> containers = new ArrayList<>();
    if (Files.isDirectory(crunRoot, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(crunRoot)) {
        for (Path entry : entries) {
          String name = entry.getFileName().toString();
          if (name.startsWith(PREFIX)) { // crun keeps one directory per container, named by its id
            containers.add(name);
          }
        }
      } catch (IOException e) {
        return "kept " + directory + ": cannot list its containers: " + e.getMessage();
      }
    }
    for (String container : containers) {
      if (crun.isEmpty()) {
        return "kept "
            + directory
            + ": its container "
            + container
            + " needs crun to be deleted (crun --root "
            + crunRoot
            + " delete --force "
            + container
            + ")";
      }
      String failure = crun.get().forceDelete(crunRoot, CRUN_TIMEOUT, container);
      if (failure != null) {
        return "kept " + directory + ": crun cannot delete " + container + ": " + failure;
      }
    }
    try {
      Durable.deleteTree(directory);
    } catch (IOException e) {
      return "kept " + directory + ": " + e.getMessage();
    }
    return containers.isEmpty()
        ? "removed " + directory
        : "removed " + directory + " and its container " + String.join(", ", containers);
  }
}
