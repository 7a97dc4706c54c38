package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code brume snapshotter}'s flags; serving is tested by brume-snapshotter's CriPullIT. */
class SnapshotterCommandTest {
  @TempDir Path dir;

  @Test
  void anUnknownStrategyIsAOneLineErrorAndNothingIsCreated() {
    CapturedCli cli = new CapturedCli();

    int exit =
        cli.run(
            "snapshotter",
            "--socket",
            dir.resolve("s.sock").toString(),
            "--root",
            dir.resolve("root").toString(),
            "--hosts-dir",
            dir.resolve("certs.d").toString(),
            "--strategy",
            "fastest");

    assertThat(exit).isNotZero();
    assertThat(cli.err()).contains("unknown pull strategy 'fastest'").doesNotContain("\tat ");
    assertThat(dir.resolve("root")).doesNotExist();
  }

  @Test
  void theSocketIsRequired() {
    CapturedCli cli = new CapturedCli();

    assertThat(cli.run("snapshotter", "--root", dir.toString())).isEqualTo(2);
    assertThat(cli.err()).contains("--socket");
  }

  @Test
  void peersWithoutATokenAreAOneLineErrorAndNothingIsCreated() {
    CapturedCli cli = new CapturedCli();

    int exit =
        cli.run(
            "snapshotter",
            "--socket",
            dir.resolve("s.sock").toString(),
            "--root",
            dir.resolve("root").toString(),
            "--peers-from",
            "http://127.0.0.1:1");

    assertThat(exit).isNotZero();
    assertThat(cli.err())
        .contains("--peer-token-file FILE is required with --peers/--peers-from")
        .doesNotContain("\tat ");
    assertThat(dir.resolve("root")).doesNotExist();
  }

  @Test
  void anUnknownPeerChoiceIsAOneLineError() throws Exception {
    Path token = java.nio.file.Files.writeString(dir.resolve("token"), "x".repeat(40));
    CapturedCli cli = new CapturedCli();

    int exit =
        cli.run(
            "snapshotter",
            "--socket",
            dir.resolve("s.sock").toString(),
            "--root",
            dir.resolve("root").toString(),
            "--peers",
            dir.resolve("peers.json").toString(),
            "--peer-token-file",
            token.toString(),
            "--peer-choice",
            "fastest");

    assertThat(exit).isNotZero();
    assertThat(cli.err())
        .contains("--peer-choice must be nearest or random, got 'fastest'")
        .doesNotContain("\tat ");
    assertThat(dir.resolve("root")).doesNotExist();
  }
}
