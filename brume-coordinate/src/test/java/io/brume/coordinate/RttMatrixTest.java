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
            dir.resolve("m.tsv"), "0\t10\t-1\t -\n10 0  30 NaN\n0 30 0 40\n12.5 nan 40 0\n");
    RttMatrix m = RttMatrix.load(f);
    assertThat(m.size()).isEqualTo(4);
    assertThat(m.name(2)).isEqualTo("2");
    assertThat(m.rttMillis(0, 1)).isEqualTo(10.0);
    assertThat(m.rttMillis(0, 2)).isNaN(); // -1 and 0 both missing
    assertThat(m.known(0, 2)).isFalse();
    assertThat(m.rttMillis(0, 3)).isEqualTo(12.5); // "-" missing, the other direction used
    assertThat(m.rttMillis(3, 0)).isEqualTo(12.5);
    assertThat(m.rttMillis(1, 3)).isNaN(); // NaN and nan
    assertThat(m.known(1, 1)).isFalse();
    assertThat(m.knownPairs()).isEqualTo(4); // 0-1, 0-3, 1-2, 2-3
  }

  @Test
  void implausibleRtts_areRejectedNamingLineColumnAndValue() throws IOException {
    // 1e308 once overflowed the average of both directions into Infinity in `up` and `route sim`.
    Path huge = Files.writeString(dir.resolve("huge.tsv"), "0 1e308\n1e308 0\n");
    assertThatThrownBy(() -> RttMatrix.load(huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("huge.tsv: line 1, column 2: RTT 1.0E308 ms is implausible");
    Path inf = Files.writeString(dir.resolve("inf.tsv"), "0 5\nInfinity 0\n");
    assertThatThrownBy(() -> RttMatrix.load(inf)).hasMessageContaining("line 2, column 1");
    Path word = Files.writeString(dir.resolve("word.tsv"), "0 5\n5 fast\n");
    assertThatThrownBy(() -> RttMatrix.load(word))
        .hasMessageContaining("word.tsv: line 2, column 2: 'fast' is not an RTT in ms");
    Path json =
        Files.writeString(dir.resolve("a.json"), "{\"data\":{\"a\":{\"b\":1e308},\"b\":{}}}");
    assertThatThrownBy(() -> RttMatrix.load(json))
        .hasMessageContaining("a.json: data.a.b: RTT 1.0E308 ms is implausible");
    Path bool = Files.writeString(dir.resolve("b.json"), "{\"data\":{\"a\":{\"b\":true}}}");
    assertThatThrownBy(() -> RttMatrix.load(bool)).hasMessageContaining("data.a.b: expected");
    assertThatThrownBy(() -> RttMatrix.of(List.of("a", "b"), new double[][] {{0, 1e308}, {1, 0}}))
        .hasMessageContaining("implausible");
  }

  @Test
  void binaryContent_isRejectedSayingSo() throws IOException {
    // Was `Input length = 3` (a MalformedInputException without the file or the problem).
    Path binary = Files.write(dir.resolve("x.bin"), new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe});
    assertThatThrownBy(() -> RttMatrix.load(binary))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x.bin: binary content, not an RTT data set");
    assertThatThrownBy(() -> RttMatrix.load(dir))
        .hasMessageContaining("is a directory, not an RTT data set file");
  }

  @Test
  void gzipCompressedDataSets_areReadLikePlainOnes() throws IOException {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var gzip = new java.util.zip.GZIPOutputStream(bytes)) {
      gzip.write("0 10\n20 0\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    RttMatrix m = RttMatrix.parse("m.tsv.gz", bytes.toByteArray());
    assertThat(m.rttMillis(0, 1)).isEqualTo(15.0);
    assertThat(m.source()).isEqualTo("m.tsv.gz");
    byte[] damaged = java.util.Arrays.copyOf(bytes.toByteArray(), 12);
    assertThatThrownBy(() -> RttMatrix.parse("d.gz", damaged))
        .hasMessageContaining("d.gz: damaged gzip");
  }

  @Test
  void shippedDataSets_areLoadedByNameAndFilesByPath() throws IOException {
    RttMatrix planetLab = RttDatasets.load("planetlab490");
    assertThat(planetLab.size()).isEqualTo(490);
    assertThat(planetLab.knownPairs()).isEqualTo(490L * 489 / 2);
    assertThat(planetLab.source()).isEqualTo("planetlab490");
    RttMatrix aws = RttDatasets.load("AWS32");
    assertThat(aws.size()).isEqualTo(32);
    assertThat(aws.names()).contains("eu-west-1", "us-east-1");
    Path f = Files.writeString(dir.resolve("m.txt"), "0 10\n20 0\n");
    assertThat(RttDatasets.load(f.toString()).size()).isEqualTo(2);
    assertThatThrownBy(() -> RttDatasets.load("planetlab"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "'planetlab' is neither a file nor a data set shipped with brume (one of"
                + " planetlab490, aws32)");
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

  @Test
  void aws12_isTwelveSpreadRegionsOfAws32WithTheirIntraRegionRtts() throws IOException {
    RttMatrix aws12 = RttDatasets.aws12();
    RttMatrix aws32 = RttDatasets.load("aws32");

    assertThat(aws12.size()).isEqualTo(12);
    assertThat(aws12.name(0)).isEqualTo("us-east-1");
    assertThat(aws12.names()).contains("eu-central-1", "ap-southeast-2", "sa-east-1");
    assertThat(aws12.knownPairs()).isEqualTo(12L * 11 / 2);
    int east = aws12.names().indexOf("us-east-1");
    int frankfurt = aws12.names().indexOf("eu-central-1");
    assertThat(aws12.rttMillis(east, frankfurt))
        .isEqualTo(aws12.rttMillis(frankfurt, east))
        .isEqualTo(
            aws32.rttMillis(
                aws32.names().indexOf("us-east-1"), aws32.names().indexOf("eu-central-1")))
        .isBetween(80.0, 110.0);
    assertThat(aws12.rttMillis(east, east)).as("same-site RTT").isBetween(0.5, 10.0);
  }
}
