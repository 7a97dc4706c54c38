package io.brume.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import io.brume.oci.MediaType.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class DecompressorsTest {
  private static final byte[] CONTENT = sample(3 * 1024 * 1024 + 17);

  static List<Decompressor> gzipInflaters() {
    List<Decompressor> all = new ArrayList<>();
    all.add(Decompressors.standard(Compression.GZIP));
    Decompressors.external("igzip").ifPresent(all::add);
    Decompressors.external("unpigz").ifPresent(all::add);
    return all;
  }

  @Test
  void everyGzipInflaterRestoresTheContentIncludingMultiMemberStreams() throws IOException {
    byte[] twoMembers = concat(gzip(CONTENT), gzip(CONTENT));
    for (Decompressor inflater : gzipInflaters()) {
      assertThat(inflate(inflater, gzip(CONTENT))).as(inflater.name()).isEqualTo(CONTENT);
      assertThat(inflate(inflater, twoMembers))
          .as(inflater.name())
          .isEqualTo(concat(CONTENT, CONTENT));
    }
  }

  @Test
  void theMachineHasIgzipSoItIsTheFastestChoice() {
    // .ci/run installs isal; without it brume would silently fall back to the slower zlib path.
    assertThat(Decompressors.fastest(Compression.GZIP).name()).isEqualTo("igzip");
  }

  @Test
  void corruptGzipIsAnErrorFromEveryInflater() throws IOException {
    byte[] corrupt = gzip(CONTENT);
    for (int i = corrupt.length / 2; i < corrupt.length / 2 + 64; i++) {
      corrupt[i] ^= 0x5a;
    }
    for (Decompressor inflater : gzipInflaters()) {
      assertThatThrownBy(() -> inflate(inflater, corrupt))
          .as(inflater.name())
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void truncatedGzipIsAnErrorNotAShortLayer() throws IOException {
    byte[] whole = gzip(CONTENT);
    byte[] truncated = java.util.Arrays.copyOf(whole, whole.length / 2);
    for (Decompressor inflater : gzipInflaters()) {
      assertThatThrownBy(() -> inflate(inflater, truncated))
          .as(inflater.name())
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void aFailingSourceSurfacesThroughTheExternalInflater() {
    Decompressor igzip = Decompressors.external("igzip").orElseThrow();
    InputStream failing =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("connection reset by the registry");
          }
        };
    assertThatThrownBy(() -> igzip.decompress(failing).readAllBytes())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("connection reset by the registry");
  }

  @Test
  void zstdAndUncompressedLayers() throws IOException {
    byte[] frames = concat(Zstd.compress(CONTENT, 3), Zstd.compress(CONTENT, 19));
    assertThat(inflate(Decompressors.fastest(Compression.ZSTD), frames))
        .isEqualTo(concat(CONTENT, CONTENT));
    assertThat(inflate(Decompressors.fastest(Compression.NONE), CONTENT)).isEqualTo(CONTENT);
  }

  private static byte[] inflate(Decompressor inflater, byte[] compressed) throws IOException {
    try (InputStream in = inflater.decompress(new ByteArrayInputStream(compressed))) {
      return in.readAllBytes();
    }
  }

  static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  /** Half random, half repetitive: compresses like real file trees do. */
  static byte[] sample(int size) {
    byte[] bytes = new byte[size];
    Random random = new Random(42);
    for (int i = 0; i < size; i++) {
      bytes[i] = (i / 4096) % 2 == 0 ? (byte) random.nextInt() : (byte) ('a' + i % 7);
    }
    return bytes;
  }
}
