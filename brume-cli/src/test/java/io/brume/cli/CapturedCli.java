package io.brume.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Runs brume commands in-process, as the launcher would, and keeps everything they print: the
 * output of successive runs accumulates in order, so a test can run several commands and then check
 * what a user would have seen.
 */
final class CapturedCli {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** Runs {@code brume ARGS}; returns its exit status. */
  int run(String... args) {
    CommandLine commandLine = Main.commandLine(args);
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    return commandLine.execute(args);
  }

  /** Everything printed to standard output so far. */
  String out() {
    return out.toString();
  }

  /** Everything printed to standard error so far. */
  String err() {
    return err.toString();
  }
}
