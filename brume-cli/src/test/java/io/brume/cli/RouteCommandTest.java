package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteCommandTest {

  @TempDir Path dir;

  private final CapturedCli cli = new CapturedCli();

  /** 12 nodes in two clusters 80 ms apart, 2–10 ms inside a cluster. */
  private Path dataset() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      for (int j = 0; j < 12; j++) {
        double rtt = i == j ? 0 : (i % 2 == j % 2 ? 2 + Math.abs(i - j) : 80 + Math.abs(i - j));
        text.append(String.format(Locale.ROOT, "%.1f", rtt)).append(j == 11 ? "\n" : "\t");
      }
    }
    return Files.writeString(dir.resolve("two-clusters.tsv"), text);
  }

  @Test
  void simPrintsJsonWithTheAgreedFieldsForEveryPolicy() throws IOException {
    int exit =
        cli.run(
            "route",
            "sim",
            "--dataset",
            dataset().toString(),
            "--nodes",
            "12",
            "--replicas",
            "2",
            "--duration",
            "12",
            "--seed",
            "3",
            "--json");

    assertThat(exit).as(cli.err()).isZero();
    String json = cli.out().trim();
    assertThat(json).startsWith("{\"policies\": {\"random\": {\"mean_latency_ms\": ");
    assertThat(json)
        .contains("\"adaptive\": {", "\"proximity-alpha\": {", "\"n-nearest-by-load\": {");
    assertThat(json.split("\"oracle_mean_latency_ms\"")).hasSize(8);
    assertThat(json).doesNotContain("max_util");
  }

  @Test
  void simPrintsATableForOnePolicy() throws IOException {
    int exit =
        cli.run(
            "route",
            "sim",
            "--dataset",
            dataset().toString(),
            "--nodes",
            "12",
            "--replicas",
            "2",
            "--policy",
            "proximity-alpha",
            "--alpha",
            "1",
            "--duration",
            "12");

    assertThat(exit).as(cli.err()).isZero();
    assertThat(cli.out()).contains("proximity-alpha", "(oracle)").doesNotContain("random");
  }

  @Test
  void badInputNamesTheProblem() throws IOException {
    String file = dataset().toString();

    assertThat(cli.run("route", "sim", "--dataset", file, "--nodes", "12", "--alpha", "1.5"))
        .isEqualTo(1);
    assertThat(cli.err()).contains("alpha must be in [0, 1], got 1.5");
    assertThat(cli.run("route", "sim", "--dataset", file, "--nodes", "12", "--policy", "fastest"))
        .isEqualTo(1);
    assertThat(cli.err()).contains("unknown policy 'fastest'");
    assertThat(cli.run("route", "sim", "--dataset", file, "--nodes", "50")).isEqualTo(1);
    assertThat(cli.err()).contains("--nodes 50 is more than the 12 nodes of --dataset");
  }

  @Test
  void expandMakesEveryNodeASiteOfSeveralFogNodes() throws IOException {
    String file = dataset().toString();

    int exit =
        cli.run(
            "route",
            "sim",
            "--dataset",
            file,
            "--expand",
            "5",
            "--nodes",
            "50",
            "--replicas",
            "4",
            "--policy",
            "nearest",
            "--duration",
            "6",
            "--json");

    assertThat(exit).as(cli.err()).isZero();
    assertThat(cli.out()).startsWith("{\"policies\": {\"nearest\": {\"mean_latency_ms\": ");
    assertThat(cli.run("route", "sim", "--dataset", file, "--expand", "4", "--nodes", "50"))
        .isEqualTo(1);
    assertThat(cli.err())
        .contains("--nodes 50 is more than the 48 nodes of --dataset")
        .contains("with --expand 4");
    assertThat(cli.run("route", "sim", "--dataset", file, "--expand", "0")).isEqualTo(1);
    assertThat(cli.err()).contains("expand must be >= 1 fog nodes per site, got 0");
  }
}
