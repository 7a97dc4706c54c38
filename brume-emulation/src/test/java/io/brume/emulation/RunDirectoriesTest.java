package io.brume.emulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoriesTest {
  @TempDir Path temporary;

  @Test
  void aDirectoryOfThisProcessIsKept() throws IOException {
    Path mine = RunDirectories.create(temporary, "deploy-");
    Files.writeString(mine.resolve("blob"), "x");

    assertThat(mine.getFileName().toString()).startsWith("brume-up-deploy-");
    assertThat(RunDirectories.isOrphan(mine)).isFalse();
    assertThat(RunDirectories.removeOrphans(temporary, Optional.empty())).isEmpty();
    assertThat(mine.resolve("blob")).exists();
  }

  @Test
  void aDirectoryWhoseOwnerEndedIsRemovedWithEverythingInIt() throws Exception {
    Path orphan = RunDirectories.create(temporary, "deploy-");
    Files.createDirectories(orphan.resolve("brume/store/blobs"));
    Files.writeString(orphan.resolve("brume/store/blobs/layer"), "bytes");
    Files.createSymbolicLink(orphan.resolve("brume/escape"), Path.of("/etc"));
    ownedBy(orphan, endedProcess());

    assertThat(RunDirectories.removeOrphans(temporary, Optional.empty()))
        .containsExactly("removed " + orphan);
    assertThat(orphan).doesNotExist();
    assertThat(Path.of("/etc/hostname")).exists(); // the link was removed, not followed
  }

  @Test
  void aReusedPidWithAnotherStartTimeIsNotTheOwner() throws IOException {
    Path orphan = RunDirectories.create(temporary, "");
    ProcessHandle self = ProcessHandle.current();
    Files.writeString(orphan.resolve(RunDirectories.OWNER_FILE), self.pid() + " 12345\n");

    assertThat(RunDirectories.isOrphan(orphan)).isTrue();
  }

  @Test
  void directoriesWithoutAnOwnerOrOfOtherNamesAreNeverTouched() throws Exception {
    Path unowned = Files.createDirectory(temporary.resolve("brume-up-deploy-old"));
    Path unreadable = RunDirectories.create(temporary, "probe-key-");
    Files.writeString(unreadable.resolve(RunDirectories.OWNER_FILE), "not a pid\n");
    Path other = Files.createDirectory(temporary.resolve("someone-else"));
    ownedBy(other, endedProcess());

    assertThat(RunDirectories.removeOrphans(temporary, Optional.empty())).isEmpty();
    assertThat(unowned).exists();
    assertThat(unreadable).exists();
    assertThat(other).exists();
  }

  @Test
  void anOrphanWithAContainerIsKeptWhenCrunIsMissingAndTheReportSaysHow() throws Exception {
    Path orphan = RunDirectories.create(temporary, "");
    Path crunRoot = Files.createDirectory(orphan.resolve(RunDirectories.CRUN_ROOT));
    Files.createDirectory(crunRoot.resolve("brume-up-eu-west-1-0a1b2c3d"));
    ownedBy(orphan, endedProcess());

    assertThat(RunDirectories.removeOrphans(temporary, Optional.empty()))
        .singleElement()
        .asString()
        .startsWith("kept " + orphan)
        .contains("crun --root " + crunRoot + " delete --force brume-up-eu-west-1-0a1b2c3d");
    assertThat(orphan).exists();
  }

  private static void ownedBy(Path directory, ProcessHandle process) throws IOException {
    Files.writeString(
        directory.resolve(RunDirectories.OWNER_FILE), process.pid() + " 1\n"); // start time moot
  }

  /** A process that has ended (and been reaped), so its pid names no process now. */
  private static ProcessHandle endedProcess() throws Exception {
    Process process = new ProcessBuilder("true").start();
    process.waitFor();
    return process.toHandle();
  }
}
