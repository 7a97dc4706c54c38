package io.brume.coordinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RttMatrixTest {
  @TempDir Path dir;

  @Test
  void whitespaceMatrix_missingEntriesAreNaNAndNeverKnown() throws IOException {
    Path f =
        Files.writeString(
            dir.resolve("m.tsv"), "0\t10\t-1\t x\n10 0  30 NaN\n0 30 0 40\n12.5 Infinity 40 0\n");
    RttMatrix m = RttMatrix.load(f);
    assertThat(m.size()).isEqualTo(4);
    assertThat(m.name(2)).isEqualTo("2");
    assertThat(m.rttMillis(0, 1)).isEqualTo(10.0);
    assertThat(m.rttMillis(0, 2)).isNaN(); // -1 and 0 both missing
    assertThat(m.known(0, 2)).isFalse();
    assertThat(m.rttMillis(0, 3)).isEqualTo(12.5); // "x" missing, the other direction used
    assertThat(m.rttMillis(3, 0)).isEqualTo(12.5);
    assertThat(m.rttMillis(1, 3)).isNaN(); // NaN and Infinity
    assertThat(m.known(1, 1)).isFalse();
    assertThat(m.knownPairs()).isEqualTo(4); // 0-1, 0-3, 1-2, 2-3
  }

  @Test
  void asymmetricEntries_areAveraged() throws IOException {
    Path f = Files.writeString(dir.resolve("m.txt"), "0 10\n20 0\n");
    RttMatrix m = RttMatrix.load(f);
    assertThat(m.rttMillis(0, 1)).isEqualTo(15.0);
    assertThat(m.rttMillis(1, 0)).isEqualTo(15.0);
  }

  @Test
  void nonSquare_isRejectedNamingFileAndRow() throws IOException {
    Path f = Files.writeString(dir.resolve("bad.tsv"), "0 1 2\n1 0\n2 1 0\n");
    assertThatThrownBy(() -> RttMatrix.load(f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.tsv")
        .hasMessageContaining("row 2 has 2 entries, expected 3");
    Path one = Files.writeString(dir.resolve("one.tsv"), "0\n");
    assertThatThrownBy(() -> RttMatrix.load(one)).hasMessageContaining("at least 2 rows");
  }

  @Test
  void awsJson_isDetectedSymmetrisedAndNamed() throws IOException {
    Path f =
        Files.writeString(
            dir.resolve("aws.json"),
            """
            {"metadata":{"unit":"milliseconds"},"data":{
              "us-east-1":{"us-east-1":1.5,"eu-west-1":70,"ap-south-1":"190"},
              "eu-west-1":{"us-east-1":72,"eu-west-1":2.0,"ap-south-1":0},
              "ap-south-1":{"us-east-1":188,"eu-west-1":null}}}
            """);
    RttMatrix m = RttMatrix.load(f);
    assertThat(m.names()).containsExactly("ap-south-1", "eu-west-1", "us-east-1");
    assertThat(m.rttMillis(1, 2)).isEqualTo(71.0);
    assertThat(m.rttMillis(0, 2)).isEqualTo(189.0);
    assertThat(m.known(0, 1)).isFalse(); // 0 and null both missing
    assertThat(m.rttMillis(2, 2)).isEqualTo(1.5); // intra-region RTT kept, never evaluated
    assertThat(m.knownPairs()).isEqualTo(2);
  }

  @Test
  void badJson_isRejectedNamingTheFile() throws IOException {
    Path f = Files.writeString(dir.resolve("x.json"), "{\"nodata\": 1}");
    assertThatThrownBy(() -> RttMatrix.load(f))
        .hasMessageContaining("x.json")
        .hasMessageContaining("\"data\"");
    Path g = Files.writeString(dir.resolve("y.json"), "{oops");
    assertThatThrownBy(() -> RttMatrix.load(g)).hasMessageContaining("y.json: not valid JSON");
  }

  @Test
  void subset_keepsOrderAndNames() {
    RttMatrix m =
        RttMatrix.of(List.of("a", "b", "c"), new double[][] {{0, 1, 2}, {1, 0, 3}, {2, 3, 0}});
    RttMatrix s = m.subset(new int[] {2, 0});
    assertThat(s.names()).containsExactly("c", "a");
    assertThat(s.rttMillis(0, 1)).isEqualTo(2.0);
    assertThatThrownBy(() -> m.subset(new int[] {0, 0})).hasMessageContaining("repeated");
    assertThatThrownBy(() -> m.subset(new int[] {3})).hasMessageContaining("out of range");
    assertThatThrownBy(() -> RttMatrix.of(List.of("a", "b"), new double[][] {{0, 1}}))
        .hasMessageContaining("1 rows but 2 names");
    assertThatThrownBy(() -> RttMatrix.of(List.of("a"), new double[][] {{0, 1}}))
        .hasMessageContaining("not square");
  }
}
