package io.brume.coordinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * RTT data sets are files from anywhere: whatever the bytes, {@link RttMatrix#parse} returns a
 * matrix of plausible RTTs (symmetric, each NaN or in (0, 10 s]) or fails with an {@link
 * IllegalArgumentException}, quickly; what brume would write reads back exactly.
 */
class RttMatrixPropertyTest {
  private static final Duration BOUND = Duration.ofSeconds(2);

  @Property(tries = 300)
  void arbitraryBytesAreAPlausibleMatrixOrRejected(@ForAll @Size(max = 4096) byte[] bytes) {
    parsesOrRejects(bytes);
  }

  @Property(tries = 300)
  void tokenSoupIsAPlausibleMatrixOrRejected(@ForAll("soup") String text) {
    parsesOrRejects(text.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 200)
  void matricesRoundTripAsTextAsGzipAndAsJson(@ForAll("matrices") double[][] rtt)
      throws IOException {
    int n = rtt.length;
    StringBuilder text = new StringBuilder();
    StringBuilder json = new StringBuilder("{\"data\":{");
    for (int i = 0; i < n; i++) {
      json.append(i == 0 ? "" : ",").append("\"n").append(i).append("\":{");
      for (int j = 0; j < n; j++) {
        text.append(j == 0 ? "" : "\t").append(rtt[i][j]);
        json.append(j == 0 ? "" : ",").append("\"n").append(j).append("\":").append(rtt[i][j]);
      }
      text.append('\n');
      json.append('}');
    }
    json.append("}}");
    byte[] plain = text.toString().getBytes(StandardCharsets.UTF_8);
    for (RttMatrix m :
        List.of(
            RttMatrix.parse("m.tsv", plain),
            RttMatrix.parse("m.tsv.gz", gzip(plain)),
            RttMatrix.parse("m.json", json.toString().getBytes(StandardCharsets.UTF_8)))) {
      assertThat(m.size()).isEqualTo(n);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (i != j) {
            // JSON names sort as n0, n1, n10, n2…: compare by name.
            int a = m.names().indexOf(m.source().endsWith("json") ? "n" + i : "" + i);
            int b = m.names().indexOf(m.source().endsWith("json") ? "n" + j : "" + j);
            assertThat(m.rttMillis(a, b)).isEqualTo(rtt[i][j]);
          }
        }
      }
    }
  }

  @Property(tries = 200)
  void anImplausibleRttAnywhereIsRejected(
      @ForAll("matrices") double[][] rtt,
      @ForAll @IntRange(min = 0, max = 1000) int at,
      @ForAll("implausible") String value) {
    int n = rtt.length;
    int i = at % n;
    int j = (at / n + i + 1) % n;
    if (i == j) {
      j = (i + 1) % n;
    }
    StringBuilder text = new StringBuilder();
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        text.append(c == 0 ? "" : " ").append(r == i && c == j ? value : "" + rtt[r][c]);
      }
      text.append('\n');
    }
    assertThatThrownBy(() -> RttMatrix.parse("m", text.toString().getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line " + (i + 1) + ", column " + (j + 1));
  }

  private static void parsesOrRejects(byte[] bytes) {
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          RttMatrix m;
          try {
            m = RttMatrix.parse("fuzz", bytes);
          } catch (IllegalArgumentException rejected) {
            assertThat(rejected.getMessage()).startsWith("fuzz");
            return;
          }
          assertThat(m.size()).isGreaterThanOrEqualTo(2);
          for (int i = 0; i < m.size(); i++) {
            for (int j = 0; j < m.size(); j++) {
              double v = m.rttMillis(i, j);
              assertThat(Double.isNaN(v) || (v > 0 && v <= VivaldiConfig.MAX_RTT_MILLIS))
                  .as("entry %d,%d = %s", i, j, v)
                  .isTrue();
              assertThat(v).isEqualTo(m.rttMillis(j, i));
            }
          }
        });
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(plain);
    }
    return bytes.toByteArray();
  }

  /** Symmetric n×n matrices, n in 2..12, of plausible RTTs with a zero diagonal. */
  @Provide
  Arbitrary<double[][]> matrices() {
    return Arbitraries.integers()
        .between(2, 12)
        .flatMap(
            n ->
                Arbitraries.doubles()
                    .between(0.001, VivaldiConfig.MAX_RTT_MILLIS)
                    .ofScale(4)
                    .list()
                    .ofSize(n * n)
                    .map(
                        values -> {
                          double[][] m = new double[n][n];
                          for (int i = 0; i < n; i++) {
                            for (int j = i + 1; j < n; j++) {
                              m[i][j] = values.get(i * n + j);
                              m[j][i] = m[i][j];
                            }
                          }
                          return m;
                        }));
  }

  @Provide
  Arbitrary<String> implausible() {
    return Arbitraries.oneOf(
        Arbitraries.of("1e308", "Infinity", "+Infinity", "10000.001", "1e5", "abc", "0x10", "1d"),
        Arbitraries.doubles()
            .between(VivaldiConfig.MAX_RTT_MILLIS * 1.0001, Double.MAX_VALUE)
            .map(d -> String.format(Locale.ROOT, "%s", d)));
  }

  /** Text made of the pieces of both formats, numbers of every size and stray bytes. */
  @Provide
  Arbitrary<String> soup() {
    Arbitrary<String> pieces =
        Arbitraries.oneOf(
            Arbitraries.of(
                " ",
                "\t",
                "\n",
                "\r\n",
                "\r",
                "#",
                "-",
                "NaN",
                "nan",
                "Infinity",
                "-1",
                "0",
                "{",
                "}",
                "\"data\"",
                ":",
                ",",
                "[",
                "]",
                "null",
                "true",
                "\"a\"",
                "\"b\"",
                "{\"data\":{",
                "\u0000",
                "é",
                "1e308",
                "1e-308"),
            Arbitraries.doubles().map(d -> Double.toString(d)),
            Arbitraries.integers().between(-5, 20_000).map(i -> Integer.toString(i)));
    return pieces.list().ofMaxSize(60).map(parts -> String.join("", new ArrayList<>(parts)));
  }
}
