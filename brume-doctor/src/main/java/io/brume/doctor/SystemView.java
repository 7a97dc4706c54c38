package io.brume.doctor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * The machine as the checks see it: files under a root (normally {@code /}; a fake tree in tests),
 * executables on a PATH, a way to run a command, and the block size of a mounted filesystem.
 */
public final class SystemView {
  /** Runs a command and returns its standard output, or empty if it could not run or failed. */
  @FunctionalInterface
  public interface CommandRunner {
    Optional<String> run(List<String> command);
  }

  private final Path root;
  private final List<Path> pathDirectories;
  private final CommandRunner commands;
  private final ToLongFunction<Path> blockSize;

  public SystemView(
      Path root,
      List<Path> pathDirectories,
      CommandRunner commands,
      ToLongFunction<Path> blockSize) {
    this.root = Objects.requireNonNull(root, "root");
    this.pathDirectories = List.copyOf(pathDirectories);
    this.commands = Objects.requireNonNull(commands, "commands");
    this.blockSize = Objects.requireNonNull(blockSize, "blockSize");
  }

  /** This machine: root {@code /}, the process's PATH, real commands and file stores. */
  public static SystemView local() {
    List<Path> path = new ArrayList<>();
    String env = Objects.requireNonNullElse(System.getenv("PATH"), "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : env.split(":")) {
      if (!dir.isEmpty()) {
        path.add(Path.of(dir));
      }
    }
    // iptables and friends live in sbin, which is not on a normal user's PATH.
    for (String dir : List.of("/usr/sbin", "/sbin")) {
      if (!path.contains(Path.of(dir))) {
        path.add(Path.of(dir));
      }
    }
    return new SystemView(
        Path.of("/"), path, SystemView::runProcess, SystemView::fileStoreBlockSize);
  }

  /**
   * Another root (a mounted SD card, a fake tree): files and executables under {@code root}; no
   * commands are run, since they would describe this machine instead.
   */
  public static SystemView at(Path root) {
    SystemView local = local();
    return new SystemView(
        root, local.pathDirectories, command -> Optional.empty(), SystemView::fileStoreBlockSize);
  }

  private static Optional<String> runProcess(List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Optional.empty();
      }
      return process.exitValue() == 0
          ? Optional.of(new String(out, StandardCharsets.UTF_8))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static long fileStoreBlockSize(Path mountPoint) {
    try {
      return Files.getFileStore(mountPoint).getBlockSize();
    } catch (IOException | UnsupportedOperationException e) {
      return -1;
    }
  }

  /** {@code absolute} (e.g. {@code /proc/meminfo}) under the root. */
  public Path path(String absolute) {
    return root.resolve(absolute.startsWith("/") ? absolute.substring(1) : absolute);
  }

  /** The file's content, trimmed, or empty if it does not exist or cannot be read. */
  public Optional<String> read(String absolute) {
    try {
      // Not Files.readString: it trusts the reported size, and some kernels (and sandboxes) report
      // a wrong non-zero size for /proc files, which truncated "60" to "6".
      try (var in = Files.newInputStream(path(absolute))) {
        return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
      }
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public boolean exists(String absolute) {
    return Files.exists(path(absolute));
  }

  /** Entries of a directory under the root, sorted by name; empty if absent. */
  public List<Path> list(String absolute) {
    Path dir = path(absolute);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var stream = Files.list(dir)) {
      return stream.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** Writes {@code content} to a file under the root (used by fixes only). */
  public void write(String absolute, String content) throws IOException {
    Files.writeString(path(absolute), content, StandardCharsets.UTF_8);
  }

  /** The first executable named {@code name} on the PATH (resolved under the root). */
  public Optional<Path> which(String name) {
    for (Path dir : pathDirectories) {
      Path candidate = path(dir.toString()).resolve(name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public Optional<String> run(List<String> command) {
    return commands.run(command);
  }

  /** Block size of the filesystem mounted at {@code mountPoint}, or -1 if unknown. */
  public long blockSize(String mountPoint) {
    return blockSize.applyAsLong(path(mountPoint));
  }
}
