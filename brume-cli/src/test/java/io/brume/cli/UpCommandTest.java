package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class UpCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void durationsTakeTheUsualSuffixes() {
    DurationConverter converter = new DurationConverter();

    assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("1.5")).isEqualTo(Duration.ofMillis(1500));
    assertThat(converter.convert("PT20S")).isEqualTo(Duration.ofSeconds(20));
    assertThat(converter.convert("pt5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(converter.convert("5M")).isEqualTo(Duration.ofMinutes(5));
    assertThat(converter.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(converter.convert("1d")).isEqualTo(Duration.ofDays(1));
    assertThatThrownBy(() -> converter.convert("5 minutes")).hasMessageContaining("e.g. 30s");
    assertThatThrownBy(() -> converter.convert("1e9h")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> converter.convert("99999999999999999999h"))
        .hasMessageContaining("not a duration");
    assertThatThrownBy(() -> converter.convert("-5m")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> converter.convert("soon")).hasMessageContaining("'soon'");
    assertThatThrownBy(() -> converter.convert("0s")).hasMessageContaining("must be > 0");
  }

  @Test
  void aBadDurationIsAUsageErrorNamingTheValue() {
    assertThat(run("up", "--duration", "forever", "--no-open")).isEqualTo(2);
    assertThat(err.toString()).contains("--duration").contains("'forever'");
  }

  @Test
  void moreNodesThanTheDatasetHasFailsBeforeStartingAnything() {
    assertThat(run("up", "--nodes", "13", "--no-open", "--port", "0")).isEqualTo(1);
    assertThat(err.toString()).contains("--nodes must be in 2..12").contains("got 13");
  }

  @Test
  void moreReplicasPerSiteThanReplicasFailsBeforeStartingAnything() {
    assertThat(run("up", "--replicas", "3", "--replicas-per-site", "4", "--no-open")).isEqualTo(1);
    assertThat(err.toString()).contains("--replicas-per-site must be in 1..3").contains("got 4");
  }

  @Test
  void helpSaysHowLatencyIsEmulated() {
    assertThat(run("up", "--help")).isZero();
    assertThat(out.toString())
        .contains("--nodes")
        .contains("--dataset")
        .contains("--duration")
        .contains("--no-open")
        .contains("one JVM")
        .contains("delay relays")
        .contains("--replicas-per-site")
        .contains("origin registry");
  }
}
