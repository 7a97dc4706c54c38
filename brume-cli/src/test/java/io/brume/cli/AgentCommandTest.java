package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.node.AgentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentCommandTest {
  @TempDir Path dir;

  private final CapturedCli cli = new CapturedCli();

  @Test
  void invalidConfigFails_namingFileAndField() throws IOException {
    Path f =
        Files.writeString(
            dir.resolve("agent.json"), "{\"node\": \"a\", \"listen\": \"127.0.0.1:1\", \"x\": 1}");
    assertThat(cli.run("agent", "--config", f.toString())).isNotZero();
    assertThat(cli.err()).contains("agent.json").contains("unknown field \"x\"");
  }

  @Test
  void missingConfigFails() {
    assertThat(cli.run("agent", "--config", dir.resolve("nope.json").toString())).isNotZero();
    assertThat(cli.run("agent")).isEqualTo(2);
    assertThat(cli.err()).contains("--config");
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
    assertThat(cli.run("agent", "--help")).isZero();
    assertThat(cli.out()).contains("--config=FILE").contains("HTTP API");
  }
}
