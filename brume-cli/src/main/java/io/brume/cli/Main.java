package io.brume.cli;

import picocli.CommandLine;

/** Entry point of the {@code brume} launcher. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and the tests. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new BrumeCommand());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    // A failing command prints one line naming what went wrong; stack traces only with BRUME_DEBUG.
    commandLine.setExecutionExceptionHandler(
        (exception, cmd, parseResult) -> {
          if (System.getenv("BRUME_DEBUG") != null) {
            exception.printStackTrace(cmd.getErr());
          }
          String message =
              exception.getMessage() == null ? exception.toString() : exception.getMessage();
          cmd.getErr().println("brume " + cmd.getCommandName() + ": " + message);
          return 1;
        });
    return commandLine;
  }
}
