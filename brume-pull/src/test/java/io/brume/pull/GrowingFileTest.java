package io.brume.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrowingFileTest {
  @TempDir Path dir;

  @Test
  void readerFollowsTheWriterAndEndsOnlyWhenComplete() throws Exception {
    Path file = dir.resolve("blob");
    byte[] content = DecompressorsTest.sample(1_000_000);
    Files.createFile(file);
    GrowingFile growing = GrowingFile.follow(file, 0);
    try (var executor = Executors.newVirtualThreadPerTaskExecutor();
        InputStream reader = growing.openReader()) {
      CompletableFuture<byte[]> read =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return reader.readAllBytes();
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              },
              executor);
      try (OutputStream out = Files.newOutputStream(file)) {
        for (int offset = 0; offset < content.length; offset += 65_536) {
          int n = Math.min(65_536, content.length - offset);
          out.write(content, offset, n);
          out.flush();
          growing.advance(offset + n);
          assertThat(read).isNotDone();
        }
      }
      growing.complete();
      assertThat(read.get()).isEqualTo(content);
    }
  }

  @Test
  void aFailedDownloadIsAnErrorForTheReader() throws Exception {
    Path file = dir.resolve("blob");
    Files.write(file, new byte[] {1, 2, 3});
    GrowingFile growing = GrowingFile.follow(file, 3);
    try (InputStream reader = growing.openReader()) {
      assertThat(reader.readNBytes(3)).containsExactly(1, 2, 3);
      growing.fail(new IOException("registry closed the connection"));
      assertThatThrownBy(reader::read).hasMessageContaining("registry closed the connection");
    }
  }

  @Test
  void aResumedFileIsReadFromItsFirstByte() throws Exception {
    Path file = dir.resolve("blob");
    Files.write(file, new byte[] {7, 8});
    GrowingFile growing = GrowingFile.complete(file);
    try (InputStream reader = growing.openReader()) {
      assertThat(reader.readAllBytes()).containsExactly(7, 8);
    }
  }

  @Test
  void aSupersededFileFailsItsReaderAndSaysSo() throws Exception {
    Path file = dir.resolve("lie");
    Files.write(file, new byte[] {1, 2, 3});
    GrowingFile growing = GrowingFile.follow(file, 3);
    assertThat(growing.superseded()).isFalse();
    try (InputStream reader = growing.openReader()) {
      assertThat(reader.readNBytes(3)).containsExactly(1, 2, 3);
      growing.supersede(new IOException("bytes from peer p failed verification"));
      assertThat(growing.superseded()).isTrue();
      assertThatThrownBy(reader::read)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("failed verification");
    }
  }
}
