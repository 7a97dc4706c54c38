package io.brume.cli;

import java.io.PrintWriter;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Entry point of the {@code brume} launcher. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }

  /** The configured command line with every command. */
  public static CommandLine commandLine() {
    return configure(new CommandLine(new BrumeCommand()));
  }

  /**
   * The command line {@link #main} runs {@code args} with, shared with the tests. {@code brume
   * snapshotter} gets a tree with that command only: building every command loads the classes of
   * their options (fabric8, the router's, ...), ~2 MB of a daemon whose idle RSS target is 64 MB
   * (docs/containerd.md). So do the short-lived image commands: building the other thirteen
   * commands' models is start-up time a pull pays for nothing (docs/bench/startup.md). Everything
   * else gets the whole tree (the top-level help lists every command).
   */
  public static CommandLine commandLine(String... args) {
    Object alone = args.length > 0 ? leanCommand(args[0]) : null;
    if (alone != null) {
      CommandLine lean = new CommandLine(CommandSpec.create().name("brume"));
      lean.addSubcommand(alone);
      return configure(lean);
    }
    return commandLine();
  }

  /** The command that runs without the rest of the tree, or null when it needs the whole tree. */
  private static @Nullable Object leanCommand(String name) {
    switch (name) {
      case "snapshotter":
        return new SnapshotterCommand();
      case "pull":
        return new PullCommand();
      case "images":
        return new ImagesCommand();
      case "rm":
        return new RmCommand();
      case "gc":
        return new GcCommand();
      case "export":
        return new ExportCommand();
      default:
        return null;
    }
  }

  private static CommandLine configure(CommandLine commandLine) {
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    // A bad flag or value: one line naming it, and where to read more (not the whole usage).
    commandLine.setParameterExceptionHandler(
        (exception, args) -> {
          CommandLine cmd = exception.getCommandLine();
          PrintWriter err = cmd.getErr();
          err.println(
              prefix(cmd)
                  + String.valueOf(exception.getMessage()).strip().lines().findFirst().orElse("")
                  + " (see '"
                  + cmd.getCommandSpec().qualifiedName()
                  + " --help')");
          err.flush();
          return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
    // A failing command: a user's mistake is one line saying what is wrong; a bug also gets its
    // stack trace, so that it can be reported. BRUME_DEBUG shows the trace of every failure.
    commandLine.setExecutionExceptionHandler(
        (exception, cmd, parseResult) -> {
          PrintWriter err = cmd.getErr();
          boolean user = Errors.isUserError(exception);
          if (!user || System.getenv("BRUME_DEBUG") != null) {
            exception.printStackTrace(err);
          }
          err.println(
              prefix(cmd)
                  + (user ? "" : "internal error (please report it with the trace above): ")
                  + Errors.describe(exception));
          err.flush();
          return user ? 1 : 70; // 70: EX_SOFTWARE
        });
    return commandLine;
  }

  private static String prefix(CommandLine cmd) {
    return cmd.getCommandSpec().qualifiedName() + ": ";
  }
}
