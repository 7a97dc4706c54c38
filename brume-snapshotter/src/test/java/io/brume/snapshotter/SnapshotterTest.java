package io.brume.snapshotter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** containerd's snapshotter semantics, without containerd: mounts, lifecycle, errors, recovery. */
class SnapshotterTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-06T07:00:00Z"), ZoneOffset.UTC);

  @TempDir Path root;

  @Test
  void layersCommitIntoAnOverlayChainTopLayerFirst() throws Exception {
    try (Snapshotter s = Snapshotter.open(root, CLOCK)) {
      List<Mount> first = s.prepare("k8s.io/1/extract a", "", Map.of());
      assertThat(first)
          .singleElement()
          .satisfies(
              m -> {
                assertThat(m.type()).isEqualTo("bind");
                assertThat(m.options()).containsExactly("rw", "rbind");
              });
      Files.writeString(Path.of(first.get(0).source()).resolve("file"), "layer one");
      s.commit("k8s.io/2/sha256:one", "k8s.io/1/extract a", Map.of("l", "1"));
      s.prepare("k8s.io/3/extract b", "k8s.io/2/sha256:one", Map.of());
      s.commit("k8s.io/4/sha256:two", "k8s.io/3/extract b", Map.of());

      List<Mount> container = s.prepare("k8s.io/5/container", "k8s.io/4/sha256:two", Map.of());

      Mount overlay = container.get(0);
      assertThat(overlay.type()).isEqualTo("overlay");
      Path snapshots = s.root().resolve("snapshots");
      assertThat(overlay.options())
          .containsExactly(
              "workdir=" + snapshots.resolve("3/work"),
              "upperdir=" + snapshots.resolve("3/fs"),
              "lowerdir=" + snapshots.resolve("2/fs") + ":" + snapshots.resolve("1/fs"));
      assertThat(s.mounts("k8s.io/5/container")).isEqualTo(container);
      assertThat(s.view("k8s.io/6/view", "k8s.io/2/sha256:one", Map.of()))
          .containsExactly(
              new Mount("bind", snapshots.resolve("1/fs").toString(), List.of("ro", "rbind")));
      assertThat(s.view("k8s.io/7/view", "k8s.io/4/sha256:two", Map.of()).get(0).options())
          .containsExactly(
              "lowerdir=" + snapshots.resolve("2/fs") + ":" + snapshots.resolve("1/fs"));
      SnapshotInfo one = s.stat("k8s.io/2/sha256:one");
      assertThat(one.kind()).isEqualTo(Kind.COMMITTED);
      assertThat(one.labels()).containsEntry("l", "1");
      assertThat(s.usage("k8s.io/2/sha256:one").size()).isGreaterThanOrEqualTo(9);
    }
  }

  @Test
  void errorsCarryContainerdsClasses() throws Exception {
    try (Snapshotter s = Snapshotter.open(root, CLOCK)) {
      s.prepare("a", "", Map.of());
      assertThatThrownBy(() -> s.prepare("a", "", Map.of()))
          .isInstanceOfSatisfying(
              SnapshotException.class,
              e -> assertThat(e.reason()).isEqualTo(SnapshotException.Reason.ALREADY_EXISTS));
      assertThatThrownBy(() -> s.prepare("b", "a", Map.of()))
          .isInstanceOfSatisfying(
              SnapshotException.class,
              e -> assertThat(e.reason()).isEqualTo(SnapshotException.Reason.FAILED_PRECONDITION));
      assertThatThrownBy(() -> s.stat("missing"))
          .isInstanceOfSatisfying(
              SnapshotException.class,
              e -> assertThat(e.reason()).isEqualTo(SnapshotException.Reason.NOT_FOUND));
      s.commit("base", "a", Map.of());
      s.prepare("child", "base", Map.of());
      assertThatThrownBy(() -> s.remove("base"))
          .isInstanceOfSatisfying(
              SnapshotException.class,
              e -> assertThat(e.reason()).isEqualTo(SnapshotException.Reason.FAILED_PRECONDITION));
      s.remove("child");
      s.remove("base");
      assertThat(s.list(List.of())).isEmpty();
      try (var left = Files.list(s.root().resolve("snapshots"))) {
        assertThat(left).isEmpty();
      }
    }
  }

  @Test
  void listFiltersAndLabelUpdatesAsContainerdsMetadataAsksForThem() throws Exception {
    try (Snapshotter s = Snapshotter.open(root, CLOCK)) {
      s.prepare("x", "", Map.of());
      s.commit("k8s.io/1/sha256:c0", "x", Map.of(Snapshotter.SNAPSHOT_REF, "sha256:c0"));
      s.prepare("y", "k8s.io/1/sha256:c0", Map.of());
      s.commit("k8s.io/2/sha256:c1", "y", Map.of(Snapshotter.SNAPSHOT_REF, "sha256:c1"));

      List<SnapshotInfo> found =
          s.list(
              List.of(
                  "labels.\"containerd.io/snapshot.ref\"==sha256:c1,parent==\"k8s.io/1/sha256:c0\""));

      assertThat(found).extracting(SnapshotInfo::name).containsExactly("k8s.io/2/sha256:c1");
      assertThat(s.list(List.of("kind==committed"))).hasSize(2);
      assertThat(s.list(List.of("name~=c0$", "name==none"))).hasSize(1);

      SnapshotInfo changed =
          s.update(
              new SnapshotInfo(
                  "k8s.io/2/sha256:c1",
                  "",
                  Kind.COMMITTED,
                  CLOCK.instant(),
                  CLOCK.instant(),
                  Map.of("containerd.io/gc.root", "x")),
              List.of("labels.containerd.io/gc.root"));
      assertThat(changed.labels())
          .containsEntry("containerd.io/gc.root", "x")
          .containsEntry(Snapshotter.SNAPSHOT_REF, "sha256:c1");
    }
  }

  @Test
  void metadataSurvivesReopenAndOrphanDirectoriesAreRemoved() throws Exception {
    try (Snapshotter s = Snapshotter.open(root, CLOCK)) {
      s.prepare("a", "", Map.of());
      s.commit("base", "a", Map.of());
    }
    // what a crash between mkdir and the metadata commit, or mid-build, leaves behind
    Files.createDirectories(root.resolve("snapshots/99/fs"));
    Files.createDirectories(root.resolve("staging/half-built/fs"));

    try (Snapshotter s = Snapshotter.open(root, CLOCK)) {
      assertThat(s.stat("base").kind()).isEqualTo(Kind.COMMITTED);
      assertThat(root.resolve("snapshots/99")).doesNotExist();
      assertThat(root.resolve("staging/half-built")).doesNotExist();
      assertThat(root.resolve("snapshots/1/fs")).isDirectory();
    }
  }
}
