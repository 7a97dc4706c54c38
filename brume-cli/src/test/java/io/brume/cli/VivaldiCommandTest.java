package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VivaldiCommandTest {
  @TempDir Path dir;

  private final CapturedCli cli = new CapturedCli();

  /** A 4×4 grid, 10 ms spacing, as a TSV matrix. */
  private Path dataset() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      for (int j = 0; j < 16; j++) {
        double rtt = Math.hypot(i % 4 - j % 4, i / 4 - j / 4) * 10;
        text.append(String.format(Locale.ROOT, "%.3f", rtt)).append(j == 15 ? "\n" : "\t");
      }
    }
    return Files.writeString(dir.resolve("grid.tsv"), text);
  }

  /** {@code vivaldi eval} of the test grid, 300 rounds, seed 2, then {@code extra} options. */
  private int eval300(CapturedCli on, String... extra) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "vivaldi",
                "eval",
                "--dataset",
                dataset().toString(),
                "--rounds",
                "300",
                "--seed",
                "2"));
    args.addAll(List.of(extra));
    return on.run(args.toArray(String[]::new));
  }

  @Test
  void evalJson_hasExactlyTheIssueFields() throws IOException {
    int exit = eval300(cli, "--json");
    assertThat(exit).as(cli.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(cli.out());
    List<String> fields = new ArrayList<>();
    json.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactlyInAnyOrder(
            "nodes",
            "median_relative_error",
            "p90_relative_error",
            "nearest_of_5_accuracy",
            "rounds_to_1_2x_final_median",
            "stability_ms_per_round");
    assertThat(json.get("nodes").asInt()).isEqualTo(16);
    assertThat(json.get("median_relative_error").asDouble()).isLessThan(0.05);
  }

  @Test
  void evalCurve_reportsEveryHorizonInJsonAndText() throws IOException {
    int exit = eval300(cli, "--json", "--curve");
    assertThat(exit).as(cli.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(cli.out());
    List<Integer> rounds = new ArrayList<>();
    json.get("curve").forEach(c -> rounds.add(c.get("rounds").asInt()));
    assertThat(rounds).containsExactly(10, 20, 50, 100, 200, 300);
    JsonNode last = json.get("curve").get(rounds.size() - 1);
    assertThat(last.get("median_relative_error").asDouble())
        .isEqualTo(json.get("median_relative_error").asDouble());
    assertThat(last.get("nearest_of_5_accuracy").asDouble()).isBetween(0.0, 1.0);
    CapturedCli text = new CapturedCli();
    assertThat(eval300(text, "--curve")).isZero();
    assertThat(text.out()).contains("convergence curve").contains("                 200: 0.");
  }

  @Test
  void evalText_serfBaselineAndOptions() throws IOException {
    Path replay = dir.resolve("replay.txt");
    int exit =
        cli.run(
            "vivaldi",
            "eval",
            "--dataset",
            dataset().toString(),
            "--config",
            "serf",
            "--dimensions",
            "2",
            "--rounds",
            "50",
            "--jitter",
            "0.1",
            "--replay-out",
            replay.toString());
    assertThat(exit).as(cli.err()).isZero();
    assertThat(cli.out()).contains("median relative error").contains("serf, 2 dimensions");
    assertThat(Files.readAllLines(replay).get(0)).isEqualTo("brume-vivaldi-replay 1");
  }

  @Test
  void set_overridesOneFieldOfTheConfiguration() throws IOException {
    String data = dataset().toString();
    assertThat(cli.run("vivaldi", "eval", "--dataset", data, "--rounds", "100", "--json")).isZero();
    String robust = cli.out();
    CapturedCli other = new CapturedCli();
    assertThat(
            other.run(
                "vivaldi",
                "eval",
                "--dataset",
                data,
                "--rounds",
                "100",
                "--json",
                "--set",
                "fastStart=0s",
                "--set",
                "adjustmentWindowSize=20"))
        .as(other.err())
        .isZero();
    assertThat(other.out()).isNotEqualTo(robust);

    CapturedCli bad = new CapturedCli();
    assertThat(bad.run("vivaldi", "eval", "--dataset", data, "--set", "speed=11")).isNotZero();
    assertThat(bad.err()).contains("--set: unknown VivaldiConfig field 'speed'").contains("cc");
    CapturedCli badValue = new CapturedCli();
    assertThat(badValue.run("vivaldi", "eval", "--dataset", data, "--set", "fastStart=soon"))
        .isNotZero();
    assertThat(badValue.err()).contains("fastStart must be a duration").contains("soon");
    CapturedCli invalid = new CapturedCli();
    assertThat(invalid.run("vivaldi", "eval", "--dataset", data, "--set", "fastStartSteps=0"))
        .isNotZero();
    assertThat(invalid.err()).contains("fastStartSteps must be in [1, 100]");
  }

  @Test
  void badInputs_failNamingTheProblem() throws IOException {
    assertThat(cli.run("vivaldi", "eval", "--dataset", dataset().toString(), "--rounds", "0"))
        .isNotZero();
    assertThat(cli.err()).contains("--rounds must be >= 1");
    Path bad = Files.writeString(dir.resolve("bad.tsv"), "0 1\n1\n");
    assertThat(cli.run("vivaldi", "eval", "--dataset", bad.toString())).isNotZero();
    assertThat(cli.err()).contains("bad.tsv").contains("not a square matrix");
    assertThat(cli.run("vivaldi", "eval", "--dataset", dataset().toString(), "--dimensions", "0"))
        .isNotZero();
    assertThat(cli.run("vivaldi", "eval")).isEqualTo(2);
  }
}
