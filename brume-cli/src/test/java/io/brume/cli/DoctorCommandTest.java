package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DoctorCommandTest {
  @TempDir Path root;

  private void file(String relative, String content) throws IOException {
    Path path = root.resolve(relative);
    Files.createDirectories(path.getParent());
    Files.writeString(path, content);
  }

  @Test
  void warnsWithTheChangeAndTheReasonAndFixesSwappiness() throws IOException {
    file(
        "proc/meminfo",
        "MemTotal: 1000000 kB\nMemAvailable: 500000 kB\nSwapTotal: 500000 kB\nSwapFree: 500000 kB\n");
    file("proc/sys/vm/swappiness", "60\n");
    CommandLine commandLine = Main.commandLine();
    StringWriter out = new StringWriter();
    commandLine.setOut(new PrintWriter(out));

    int readOnly = commandLine.execute("doctor", "--root", root.toString());

    assertThat(readOnly).isEqualTo(1);
    assertThat(out.toString())
        .contains("WARN  swappiness")
        .contains("change: set vm.swappiness=100")
        .contains("why:");
    assertThat(Files.readString(root.resolve("proc/sys/vm/swappiness"))).isEqualTo("60\n");

    StringWriter fixed = new StringWriter();
    commandLine.setOut(new PrintWriter(fixed));
    commandLine.execute("doctor", "--root", root.toString(), "--fix");

    assertThat(fixed.toString()).contains("fixed swappiness: wrote 100");
    assertThat(Files.readString(root.resolve("proc/sys/vm/swappiness"))).isEqualTo("100\n");
  }

  @Test
  void schedulerExtenderRejectsAMalformedListenAddress() {
    CommandLine commandLine = Main.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err));

    int exit = commandLine.execute("scheduler-extender", "--listen", "8888");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("ADDR:PORT");
  }
}
