package io.brume.emulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RttDatasetTest {

  @Test
  void theBundledDatasetHasTwelveNamedRegionsWithSymmetricRtts() {
    RttDataset dataset = RttDataset.bundled();

    assertThat(dataset.size()).isEqualTo(12);
    assertThat(dataset.names()).contains("us-east-1", "eu-central-1", "ap-southeast-2");
    int east = dataset.names().indexOf("us-east-1");
    int frankfurt = dataset.names().indexOf("eu-central-1");
    assertThat(dataset.rttMillis(east, frankfurt))
        .isEqualTo(dataset.rttMillis(frankfurt, east))
        .isBetween(80.0, 110.0);
    assertThat(dataset.rttMillis(east, east)).as("same-site RTT").isBetween(0.5, 10.0);
  }

  @TempDir Path dir;

  @Test
  void aWhitespaceMatrixFileIsAveragedOverBothDirectionsAndNamedByIndex() throws Exception {
    Path file = Files.writeString(dir.resolve("m.txt"), "0 10 30\n12 0 20\n30 20 0\n");

    RttDataset dataset = RttDataset.load(file);

    assertThat(dataset.size()).isEqualTo(3);
    assertThat(dataset.rttMillis(0, 1)).isEqualTo(11.0);
    assertThat(dataset.rttMillis(1, 1)).isEqualTo(RttDataset.MIN_SAME_SITE_MILLIS);
  }

  @Test
  void errorsNameTheFileAndThePair() throws Exception {
    Path missing = Files.writeString(dir.resolve("bad.txt"), "0 10 5\n10 0 -1\n5 -1 0\n");

    assertThatThrownBy(() -> RttDataset.load(missing))
        .hasMessageContaining("bad.txt")
        .hasMessageContaining(" and ");
    assertThatThrownBy(() -> RttDataset.parse("{\"data\":{\"a\":{\"a\":1}}}", "one.json"))
        .hasMessageContaining("at least 2 nodes");
  }

  @Test
  void aSpreadSubsetKeepsFarApartNodes() {
    RttDataset four = RttDataset.bundled().spreadSubset(4);

    assertThat(four.size()).isEqualTo(4);
    for (int i = 0; i < 4; i++) {
      for (int j = i + 1; j < 4; j++) {
        assertThat(four.rttMillis(i, j)).as(four.name(i) + "-" + four.name(j)).isGreaterThan(50);
      }
    }
    assertThatThrownBy(() -> RttDataset.bundled().spreadSubset(13))
        .hasMessageContaining("cannot take 13 nodes from a dataset of 12");
  }
}
