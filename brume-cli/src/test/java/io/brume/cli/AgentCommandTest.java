package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.node.AgentConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    return commandLine.execute(args);
  }

  @Test
  void invalidConfigFails_namingFileAndField() throws IOException {
    Path f =
        Files.writeString(
            dir.resolve("agent.json"), "{\"node\": \"a\", \"listen\": \"127.0.0.1:1\", \"x\": 1}");
    assertThat(run("agent", "--config", f.toString())).isNotZero();
    assertThat(err.toString()).contains("agent.json").contains("unknown field \"x\"");
  }

  @Test
  void missingConfigFails() {
    assertThat(run("agent", "--config", dir.resolve("nope.json").toString())).isNotZero();
    assertThat(run("agent")).isEqualTo(2);
    assertThat(err.toString()).contains("--config");
  }

  @Test
  void theDaemonSetModeProbesEveryOtherNodeOnTheProbePort() {
    AgentConfig config =
        AgentCommand.kubernetesConfig(
            "fog-2", Map.of("fog-1", "10.0.0.1", "fog-2", "10.0.0.2", "fog-3", "fd00::3"));

    assertThat(config.node()).isEqualTo("fog-2");
    assertThat(config.listen().getPort()).isEqualTo(7946);
    assertThat(config.peers())
        .extracting(p -> p.name() + "@" + p.address().getHostString() + ":" + p.address().getPort())
        .containsExactlyInAnyOrder("fog-1@10.0.0.1:7946", "fog-3@fd00:0:0:0:0:0:0:3:7946");
  }

  @Test
  void helpListsTheEndpoints() {
    assertThat(run("agent", "--help")).isZero();
    assertThat(out.toString()).contains("--config=FILE").contains("HTTP API");
  }
}
