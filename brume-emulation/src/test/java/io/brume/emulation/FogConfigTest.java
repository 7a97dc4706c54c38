package io.brume.emulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.coordinate.RttDatasets;
import io.brume.coordinate.RttMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the emulation takes from brume-coordinate's {@link RttMatrix}, the one RTT reader. */
class FogConfigTest {
  @TempDir Path dir;

  @Test
  void aDataSetWithAMissingPairIsRefusedNamingTheFileAndThePair() throws Exception {
    Path file = Files.writeString(dir.resolve("bad.txt"), "0 10 5\n10 0 -1\n5 -1 0\n");
    RttMatrix matrix = RttMatrix.load(file);

    assertThatThrownBy(() -> FogConfig.defaults(matrix, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.txt")
        .hasMessageContaining("between 1 and 2 is missing");
    assertThatThrownBy(() -> FogConfig.defaults(RttDatasets.aws12(), 13))
        .hasMessageContaining("nodes must be in 2..12");
  }

  @Test
  void theSameSiteRttIsTheIntraRegionRttButNeverBelowHalfAMillisecond() throws Exception {
    RttMatrix matrix =
        RttMatrix.load(Files.writeString(dir.resolve("m.txt"), "0 10 30\n12 0 20\n30 20 0\n"));

    assertThat(EmulatedFog.linkRttMillis(matrix, 0, 1)).isEqualTo(11.0);
    assertThat(EmulatedFog.linkRttMillis(matrix, 1, 1)).isEqualTo(EmulatedFog.MIN_SAME_SITE_MILLIS);
    RttMatrix aws12 = RttDatasets.aws12();
    assertThat(EmulatedFog.linkRttMillis(aws12, 0, 0)).isEqualTo(aws12.rttMillis(0, 0));
  }

  @Test
  void aSpreadSubsetKeepsFarApartNodes() {
    RttMatrix four = EmulatedFog.spreadSubset(RttDatasets.aws12(), 4);

    assertThat(four.size()).isEqualTo(4);
    assertThat(four.name(0)).isEqualTo("us-east-1");
    for (int i = 0; i < 4; i++) {
      for (int j = i + 1; j < 4; j++) {
        assertThat(four.rttMillis(i, j)).as(four.name(i) + "-" + four.name(j)).isGreaterThan(50);
      }
    }
  }
}
