package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BrumeCommandTest {

  @Test
  void helpListsEverySubcommand() {
    CommandLine commandLine = Main.commandLine();
    StringWriter out = new StringWriter();
    commandLine.setOut(new PrintWriter(out));

    int exit = commandLine.execute("--help");

    assertThat(exit).isZero();
    for (String name : commandLine.getSubcommands().keySet()) {
      assertThat(out.toString()).as("--help mentions %s", name).contains(name);
    }
  }

  @Test
  void unknownCommandIsAUsageError() {
    CommandLine commandLine = Main.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err));

    int exit = commandLine.execute("frobnicate");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("frobnicate");
  }
}
