package io.brume.unpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layer tars whose stream ends early. The shape {@code umoci insert} (Debian umoci 0.4.7) writes:
 * every entry's data complete, but neither the zero padding after the last entry's data nor the
 * end-of-archive marker. GNU tar rejects it too ("Unexpected EOF in archive"); brume must reject it
 * with a message that says what is missing and where, not the tar library's bare "Truncated TAR
 * archive".
 */
class TruncatedArchiveTest {
  @TempDir Path diff;

  private final LayerExtractor extractor = new LayerExtractor();

  private static byte[] umociInsertShape() {
    byte[] complete =
        new TarBuilder()
            .dir("data/", 0755)
            .file("data/b.bin", new byte[5000], 0644)
            .dir("data/sub/", 0755)
            .file("data/sub/a.txt", "hello\n", 0644)
            .bytes();
    return Arrays.copyOf(complete, endOfLastData(complete));
  }

  /** The offset right after "hello\n", the last entry's data: 14 records of 512 bytes + 6. */
  private static int endOfLastData(byte[] tar) {
    String text = new String(tar, StandardCharsets.ISO_8859_1);
    return text.lastIndexOf("hello\n") + "hello\n".length();
  }

  @Test
  void missingPaddingAndEndMarkerAfterCompleteDataIsNamedPrecisely() {
    byte[] tar = umociInsertShape();
    assertThat(tar.length).isEqualTo(7174);

    assertThatThrownBy(() -> extractor.extract(new ByteArrayInputStream(tar), diff))
        .isInstanceOf(TruncatedArchiveException.class)
        .hasMessage(
            "truncated layer tar: the stream ends at byte 7174, right after the data of entry"
                + " \"data/sub/a.txt\" (bytes 7168 to 7174): the zero padding to the next 512-byte"
                + " record (506 of 506 bytes) and the end-of-archive marker (two zero records) are"
                + " missing; all entry data is present but the archive is not a valid tar")
        .satisfies(
            e -> {
              TruncatedArchiveException t = (TruncatedArchiveException) e;
              assertThat(t.entryName()).isEqualTo("data/sub/a.txt");
              assertThat(t.streamEnd()).isEqualTo(7174);
            });
  }

  @Test
  void streamEndingInsideAnEntrysDataSaysHowManyBytesAreMissing() {
    byte[] tar = Arrays.copyOf(umociInsertShape(), 7171);

    assertThatThrownBy(() -> extractor.extract(new ByteArrayInputStream(tar), diff))
        .isInstanceOf(TruncatedArchiveException.class)
        .hasMessage(
            "truncated layer tar: entry \"data/sub/a.txt\" is cut short: its 6 bytes of data start"
                + " at byte 7168 but the stream ends at byte 7171 (3 bytes missing)");
  }

  @Test
  void streamEndingInsideAHeaderNamesThePrecedingEntry() {
    byte[] tar = Arrays.copyOf(umociInsertShape(), 512 + 512 + 5120 + 100);

    assertThatThrownBy(() -> extractor.extract(new ByteArrayInputStream(tar), diff))
        .isInstanceOf(TruncatedArchiveException.class)
        .hasMessageContaining("inside the header that follows entry \"data/b.bin\"");
  }

  @Test
  void paddedArchiveWithoutEndMarkerStillExtractsAsBefore() throws Exception {
    byte[] padded = Arrays.copyOf(umociInsertShape(), 7168 + 512);

    ExtractionReport report = extractor.extract(new ByteArrayInputStream(padded), diff);

    assertThat(report.entries()).isEqualTo(4);
  }
}
