package io.brume.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The top-level {@code brume} command. It only groups the subcommands; each subcommand is a thin
 * class that parses its options, calls a library module and prints the result.
 */
@Command(
    name = "brume",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Fog computing on small nodes: fast container deployment and proximity-aware routing.",
      ""
    },
    subcommands = {
      HelpCommand.class,
      PullCommand.class,
      ImagesCommand.class,
      RmCommand.class,
      GcCommand.class,
      ExportCommand.class,
      RouteCommand.class,
      ProxyCommand.class,
      DoctorCommand.class,
      SchedulerExtenderCommand.class,
      UpCommand.class,
      VivaldiCommand.class,
      AgentCommand.class,
      SnapshotterCommand.class,
    })
public final class BrumeCommand {}
