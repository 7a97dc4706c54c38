package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brume.store.ContentStore;
import io.brume.store.Lease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Issue 15, item 7 and 8: every user mistake is one line on stderr that names the problem and what
 * to do, with a non-zero exit and no stack trace; numbers in JSON are always JSON.
 */
class UserErrorsTest {
  @TempDir Path dir;

  record Run(int exit, String out, String err) {
    /** One line, prefixed with the command, no stack trace. */
    Run isOneLineError(String command) {
      assertThat(exit).as(err).isNotZero();
      assertThat(err.lines().toList()).as(err).hasSize(1);
      assertThat(err).startsWith("brume " + command + ": ").doesNotContain("\tat ");
      return this;
    }
  }

  private static Run brume(String... args) {
    CapturedCli cli = new CapturedCli();
    int exit = cli.run(args);
    return new Run(exit, cli.out(), cli.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"images", "pull", "gc", "rm", "export"})
  void aStoreThatIsAFileSaysSo(String command) throws Exception {
    Path file = Files.writeString(dir.resolve("store"), "not a store");
    String[] args =
        switch (command) {
          case "pull", "rm" -> new String[] {command, "--store", file.toString(), "x/y:1"};
          case "export" ->
              new String[] {command, "--store", file.toString(), "x/y:1", "--bundle", "b"};
          default -> new String[] {command, "--store", file.toString()};
        };
    Run run = brume(args).isOneLineError(command);
    assertThat(run.err()).contains(file + " is a file, not a directory").contains("--store");
  }

  @Test
  void listingOnlyReadsTheStore() throws Exception {
    // A read-only store could not even be listed (creating store.lock failed). Listing must not
    // write: no directory, no lock file.
    Path missing = dir.resolve("none");
    assertThat(brume("images", "--store", missing.toString()).exit()).isZero();
    assertThat(missing).doesNotExist();
    Path store = Files.createDirectories(dir.resolve("store/images"));
    assertThat(brume("images", "--store", store.getParent().toString()).out())
        .startsWith("REFERENCE");
    assertThat(store.resolveSibling("store.lock")).doesNotExist();
  }

  @Test
  void exportOfAnUnknownImageSaysToPullIt() {
    Run run =
        brume("export", "--store", dir.toString(), "example.org/none:v1", "--bundle", "b")
            .isOneLineError("export");
    assertThat(run.err())
        .contains("no image example.org/none:v1 in the store")
        .contains("pull it first")
        .doesNotContain(".json");
  }

  @Test
  @SuppressWarnings("try") // the lease is held, never read
  void gcSaysThatItWaitsForARunningPull() throws Exception {
    Path store = dir.resolve("store");
    CapturedCli cli = new CapturedCli();
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Integer> gc;
      try (ContentStore contentStore = ContentStore.open(store);
          Lease pull = contentStore.lease()) {
        gc = executor.submit(() -> cli.run("gc", "--store", store.toString()));
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> cli.out().contains("Waiting for a pull"));
        assertThat(gc.isDone()).isFalse();
      }
      assertThat(gc.get(20, TimeUnit.SECONDS)).isZero();
    }
    assertThat(cli.out()).contains("Removed 0 blobs");
  }

  @ParameterizedTest
  @ValueSource(strings = {"vivaldi eval", "route sim", "up"})
  void badDataSetsSayWhatIsWrong(String command) throws Exception {
    Path binary = Files.write(dir.resolve("data.bin"), new byte[] {(byte) 0xff, 0, 3, 4});
    Path huge = Files.writeString(dir.resolve("huge.tsv"), "0 1e308\n1e308 0\n");
    String[] words = command.split(" ");
    assertThat(brume(with(words, "--dataset", dir.resolve("nope.tsv").toString())).err())
        .contains("nope.tsv' is neither a file nor a data set shipped with brume")
        .contains("planetlab490, aws32");
    assertThat(brume(with(words, "--dataset", binary.toString())).isOneLineError(command).err())
        .contains("binary content")
        .doesNotContain("Input length");
    assertThat(brume(with(words, "--dataset", huge.toString())).isOneLineError(command).err())
        .contains("line 1, column 2: RTT 1.0E308 ms is implausible");
  }

  private static String[] with(String[] command, String... args) {
    String[] all = new String[command.length + args.length];
    System.arraycopy(command, 0, all, 0, command.length);
    System.arraycopy(args, 0, all, command.length, args.length);
    return all;
  }

  @Test
  void vivaldiEvalOnFiveNodesWritesNullNotNaN() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        text.append(i == j ? 0 : 10 + i + j).append(j == 4 ? "\n" : " ");
      }
    }
    Path five = Files.writeString(dir.resolve("five.tsv"), text);
    Run json = brume("vivaldi", "eval", "--dataset", five.toString(), "--rounds", "50", "--json");
    assertThat(json.exit()).as(json.err()).isZero();
    assertThat(json.out()).doesNotContain("NaN");
    JsonNode parsed = new ObjectMapper().readTree(json.out());
    assertThat(parsed.get("nearest_of_5_accuracy").isNull()).isTrue();
    assertThat(parsed.get("median_relative_error").isNumber()).isTrue();
    Run table = brume("vivaldi", "eval", "--dataset", five.toString(), "--rounds", "50");
    assertThat(table.out()).contains("nearest of 5           n/a").doesNotContain("NaN");
  }

  @Test
  void shippedDataSetsWorkByName() throws Exception {
    Run run = brume("route", "sim", "--dataset", "aws32", "--nodes", "10", "--json");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(new ObjectMapper().readTree(run.out()).get("policies").size()).isPositive();
  }

  @Test
  void furtherProbesOfTheSameKinds() throws Exception {
    // Found by probing beyond the list: a binary agent configuration printed
    // "Input length = 1"; too many --nodes for the data set did not name the flag; a data set with
    // a hole printed "got NaN and NaN".
    Path binary = Files.write(dir.resolve("agent.json"), new byte[] {(byte) 0xff, (byte) 0xfe});
    assertThat(brume("agent", "--config", binary.toString()).isOneLineError("agent").err())
        .contains("agent.json: binary content, not a JSON configuration")
        .doesNotContain("Input length");
    assertThat(
            brume("route", "sim", "--dataset", "aws32", "--nodes", "1000")
                .isOneLineError("route sim")
                .err())
        .contains("--nodes 1000 is more than the 32 nodes of --dataset aws32");
    Path holes = Files.writeString(dir.resolve("holes.tsv"), "0 5 -\n5 0 6\n- 6 0\n");
    assertThat(brume("up", "--dataset", holes.toString(), "--no-open").isOneLineError("up").err())
        .contains("RTT between 0 and 2 is missing")
        .doesNotContain("NaN");
  }

  @Test
  void upNamesItsFlagsNotItsFields() {
    assertThat(brume("up", "--rate", "0", "--no-open").isOneLineError("up").err())
        .contains("--rate must be in (0, 1000]")
        .doesNotContain("requestsPerSecondPerNode");
    assertThat(brume("up", "--replicas", "40", "--no-open").isOneLineError("up").err())
        .contains("--replicas must be in 1..12");
    assertThat(brume("up", "--port", "70000", "--no-open").isOneLineError("up").err())
        .contains("--port must be in 0..65535");
  }

  @Test
  void everyDurationFlagTakesTheSameSyntax() {
    // --resync=5m was rejected (only PT5M) while up --duration 5m worked.
    SchedulerExtenderCommand extender = new SchedulerExtenderCommand();
    new CommandLine(extender).parseArgs("--resync=5m", "--placement-interval", "PT90S");
    assertThat(extender.resync).isEqualTo(Duration.ofMinutes(5));
    assertThat(extender.placementInterval).isEqualTo(Duration.ofSeconds(90));
    Run bad = brume("scheduler-extender", "--resync", "soon").isOneLineError("scheduler-extender");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("'soon' is not a duration").contains("--help");
  }

  @Test
  void withoutAnApiServerTheSchedulerExtenderSaysWhichAndWhereItsAddressCameFrom()
      throws Exception {
    // Was 25-39 lines of fabric8 stack trace and, 21 s later, "within PT30S".
    int port;
    try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    System.setProperty("kubernetes.master", "https://127.0.0.1:" + port);
    try {
      Run run =
          brume("scheduler-extender", "--listen", "127.0.0.1:0")
              .isOneLineError("scheduler-extender");
      assertThat(run.err())
          .contains("cannot reach the Kubernetes API server https://127.0.0.1:" + port)
          .contains("(from KUBERNETES_MASTER)")
          .contains("connection refused")
          .contains("KUBECONFIG");
    } finally {
      System.clearProperty("kubernetes.master");
    }
  }

  @Test
  void anUnknownFlagIsOneLineWithWhereToLook() {
    Run run = brume("pull", "--limit-rat", "5M", "alpine").isOneLineError("pull");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--limit-rat").contains("see 'brume pull --help'");
  }

  /** A command with a bug, to see what the handler prints for one. */
  @CommandLine.Command(name = "boom")
  static final class Boom implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("a bug");
    }
  }

  @Test
  void aBugPrintsItsStackTraceAndSaysToReportIt() {
    CommandLine commandLine = Main.commandLine();
    commandLine.addSubcommand("boom", new Boom());
    java.io.StringWriter err = new java.io.StringWriter();
    commandLine.setErr(new java.io.PrintWriter(err));
    assertThat(commandLine.execute("boom")).isEqualTo(70);
    assertThat(err.toString())
        .contains("java.lang.IllegalStateException: a bug")
        .contains("\tat ")
        .contains("brume boom: internal error (please report it with the trace above): a bug");
  }

  @Test
  void userErrorsAreToldFromBugs() {
    assertThat(Errors.isUserError(new IllegalArgumentException("bad"))).isTrue();
    assertThat(Errors.isUserError(new java.nio.file.NoSuchFileException("f"))).isTrue();
    assertThat(Errors.isUserError(new java.io.UncheckedIOException(new java.io.IOException())))
        .isTrue();
    assertThat(Errors.isUserError(new NullPointerException())).isFalse();
    assertThat(Errors.isUserError(new IllegalStateException("bug"))).isFalse();
    assertThat(Errors.describe(new java.nio.file.NoSuchFileException("/x/y")))
        .isEqualTo("/x/y: no such file or directory");
    assertThat(Errors.describe(new java.nio.file.AccessDeniedException("/x/y")))
        .isEqualTo("/x/y: permission denied");
  }
}
