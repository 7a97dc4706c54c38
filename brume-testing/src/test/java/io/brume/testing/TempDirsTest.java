package io.brume.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class TempDirsTest {

  @Test
  void deletesReadOnlyTreesWithoutFollowingLinks() throws Exception {
    Path outside = Files.createTempDirectory("brume-outside-");
    Path root = Files.createTempDirectory("brume-tree-");
    try {
      Files.writeString(outside.resolve("keep"), "keep");
      Path locked = Files.createDirectories(root.resolve("a/locked"));
      Files.writeString(locked.resolve("file"), "x");
      Files.createSymbolicLink(root.resolve("a/link"), outside);
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));

      TempDirs.deleteRecursively(root);

      assertThat(root).doesNotExist();
      assertThat(outside.resolve("keep")).hasContent("keep");
    } finally {
      TempDirs.deleteRecursively(outside);
    }
  }

  @Test
  void missingRootIsFine() {
    TempDirs.deleteRecursively(Path.of("/nonexistent/brume/dir"));
  }
}
