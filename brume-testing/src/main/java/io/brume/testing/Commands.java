package io.brume.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/** Runs the external tools tests drive (ip, ctr, umount, …), with a deadline. */
public final class Commands {
  private Commands() {}

  /** What a finished command printed (stdout and stderr together) and its exit code. */
  public record Result(int exitCode, String output) {
    /** This result; fails the test, naming the command and the end of its output, unless 0. */
    public Result requireSuccess(List<String> command) {
      if (exitCode != 0) {
        Assertions.fail(
            "%s exited with %d:%n%s".formatted(String.join(" ", command), exitCode, tail(output)));
      }
      return this;
    }
  }

  /**
   * Runs a command to its end; after {@code timeout} it and its children are killed and the test
   * fails. Never fails on an exit code (see {@link Result#requireSuccess}).
   */
  public static Result run(List<String> command, Duration timeout) {
    try {
      // A file, not a pipe: a child that keeps the pipe open (a daemon it starts) cannot hang us.
      Path output = Files.createTempFile("brume-command", ".log");
      try {
        Process process =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor();
          Assertions.fail(
              "%s did not finish within %s:%n%s"
                  .formatted(String.join(" ", command), timeout, tail(Files.readString(output))));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  /** Runs a command that must succeed within 30 s and returns its output. */
  public static String check(String... command) {
    List<String> list = List.of(command);
    return run(list, Duration.ofSeconds(30)).requireSuccess(list).output();
  }

  /** The last 40 lines of {@code output}. */
  public static String tail(String output) {
    String[] lines = output.split("\n");
    int from = Math.max(0, lines.length - 40);
    return String.join("\n", Arrays.copyOfRange(lines, from, lines.length));
  }
}
