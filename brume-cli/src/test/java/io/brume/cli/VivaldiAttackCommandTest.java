package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VivaldiAttackCommandTest {
  @TempDir Path dir;

  private final CapturedCli cli = new CapturedCli();

  /** 12 nodes on a circle of radius 50 ms plus 2 ms access links, as a TSV matrix. */
  private Path ring() throws IOException {
    StringBuilder text = new StringBuilder();
    int n = 12;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double chord = 100 * Math.abs(Math.sin(Math.PI * (i - j) / n));
        text.append(String.format(Locale.ROOT, "%.3f", i == j ? 0 : chord + 4))
            .append(j == n - 1 ? "\n" : " ");
      }
    }
    return Files.writeString(dir.resolve("ring.tsv"), text);
  }

  @Test
  void attackJson_comparesTheDefenceWithNone() throws IOException {
    int exit =
        cli.run(
            "vivaldi",
            "attack",
            "--dataset",
            ring().toString(),
            "--liars",
            "2",
            "--lie",
            "far",
            "--before",
            "200",
            "--during",
            "60",
            "--after",
            "60",
            "--json");
    assertThat(exit).as(cli.err()).isZero();
    String[] lines = cli.out().strip().split("\n");
    assertThat(lines).hasSize(2);
    ObjectMapper json = new ObjectMapper();
    JsonNode off = json.readTree(lines[0]);
    JsonNode on = json.readTree(lines[1]);
    assertThat(off.get("defence").asBoolean()).isFalse();
    assertThat(on.get("defence").asBoolean()).isTrue();
    assertThat(off.get("during_max").asDouble()).isGreaterThan(10);
    assertThat(on.get("during_max").asDouble()).isLessThan(0.5);
    assertThat(on.get("rounds_to_recover").asInt()).isBetween(0, 10);
  }

  @Test
  void attackText_andEvalDefended() throws IOException {
    Path ring = ring();
    assertThat(
            cli.run(
                "vivaldi",
                "attack",
                "--dataset",
                ring.toString(),
                "--liars",
                "1",
                "--lie",
                "random,inflate",
                "--before",
                "100",
                "--during",
                "30",
                "--after",
                "30"))
        .as(cli.err())
        .isZero();
    assertThat(cli.out()).contains("during-max").contains("random").contains("inflate");
    assertThat(
            cli.run(
                "vivaldi", "eval", "--dataset", ring.toString(), "--rounds", "200", "--defended"))
        .isZero();
    assertThat(cli.out()).contains("median relative error");
  }

  @Test
  void badInputs_failNamingTheOption() throws IOException {
    Path ring = ring();
    assertThat(cli.run("vivaldi", "attack", "--dataset", ring.toString(), "--liars", "12"))
        .isNotZero();
    assertThat(cli.err()).contains("--liars");
    assertThat(cli.run("vivaldi", "attack", "--dataset", ring.toString(), "--nodes", "1"))
        .isNotZero();
    assertThat(cli.err()).contains("--nodes");
    assertThat(cli.run("vivaldi", "attack", "--dataset", ring.toString(), "--lie", "polite"))
        .isNotZero();
    assertThat(cli.run("vivaldi", "attack", "--dataset", ring.toString(), "--after", "0"))
        .isNotZero();
    assertThat(cli.err()).contains("--after");
  }
}
