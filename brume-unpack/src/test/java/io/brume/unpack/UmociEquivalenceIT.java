package io.brume.unpack;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.testing.Prerequisites;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rootfs brume assembles equals what real {@code umoci unpack} (Debian package {@code umoci})
 * produces from the same OCI layout: paths, types, modes, owners, sizes, content hashes, symlink
 * targets, link counts, device numbers and mtimes (the root directory's own mtime aside).
 */
class UmociEquivalenceIT {
  @TempDir Path work;

  @BeforeAll
  static void needsUmociAndRoot() {
    Prerequisites.requireTools("umoci"); // Debian package umoci
    Prerequisites.requireRoot("umoci unpack without --rootless, and device nodes");
  }

  static List<byte[]> layers() {
    FileTime t1 = FileTime.from(Instant.parse("2023-05-06T07:08:09.123456789Z"));
    FileTime t2 = FileTime.from(Instant.parse("2024-01-01T00:00:00Z"));
    FileTime t3 = FileTime.from(Instant.parse("2025-06-30T12:34:56Z"));
    byte[] base =
        new TarBuilder()
            .mtime(t1)
            .dir("etc/", 0755)
            .file(
                "etc/passwd",
                "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n",
                0644)
            .file("etc/group", "root:x:0:\napp:x:1000:\n", 0644)
            .symlink("etc/localtime", "/usr/share/zoneinfo/UTC")
            .dir("usr/", 0755)
            .dir("usr/bin/", 0755)
            .file("usr/bin/tool", "#!/bin/sh\necho tool\n", 0755)
            .file("usr/bin/suid", "setuid", 04755)
            .file("usr/bin/sgid", "setgid", 02711)
            .hardlink("usr/bin/tool-link", "usr/bin/tool")
            .symlink("bin", "usr/bin")
            .dir("tmp/", 01777)
            .owner(1000, 1000)
            .dir("home/", 0755)
            .dir("home/app/", 0700)
            .file("home/app/.profile", "export A=1\n", 0600)
            .xattr("user.brume", "kept")
            .owner(0, 0)
            .dir("var/", 0755)
            .dir("var/cache/", 0755)
            .file("var/cache/a", "a", 0644)
            .dir("var/cache/sub/", 0755)
            .file("var/cache/sub/b", "b", 0644)
            .dir("old/", 0755)
            .file("old/file", "old", 0644)
            .file("swap1", "was a file", 0644)
            .dir("swap2/", 0750)
            .file("swap2/child", "c", 0644)
            .fifo("run-fifo", 0620)
            .dir("dev/", 0755)
            .charDevice("dev/null", 1, 3)
            .blockDevice("dev/loop9", 7, 9)
            .file("empty", "", 0400)
            .bytes();
    byte[] middle =
        new TarBuilder()
            .mtime(t2)
            .whiteout("", "old")
            .dir("var/cache/", 0711)
            .opaque("var/cache")
            .file("var/cache/new", "new", 0644)
            .dir("swap1/", 0755)
            .file("swap1/inside", "now a dir", 0644)
            .file("swap2", "now a file", 0640)
            .file(
                "etc/passwd",
                "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\nx:x:5:5::/:/bin/sh\n",
                0644)
            .file("usr/bin/added", "added later", 0755)
            .hardlink("usr/bin/tool-link2", "usr/bin/tool")
            .file("etc/motd", "hello", 0644)
            .bytes();
    byte[] top =
        new TarBuilder()
            .mtime(t3)
            .file("bin/through-symlink", "via lower symlink", 0755)
            .whiteout("etc", "motd")
            .whiteout("", "run-fifo")
            .symlink("usr/bin/tool", "added")
            .file("deep/implicit/parents", "implicit", 0644)
            .bytes();
    return List.of(base, middle, top);
  }

  @Test
  void diffBasedRootfsMatchesUmociUnpack() throws Exception {
    List<byte[]> layers = layers();
    Path umociRootfs = umociUnpack(layers);

    Path rootfs = Files.createDirectories(work.resolve("brume/rootfs"));
    List<BundleWriter.LayerDiff> diffs = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      Path diff = Files.createDirectories(work.resolve("diffs/" + i));
      ExtractionReport report =
          new LayerExtractor().extract(new ByteArrayInputStream(layers.get(i)), diff);
      diffs.add(new BundleWriter.LayerDiff(diff, report.changes()));
    }
    for (BundleWriter.LayerDiff diff : diffs) {
      new LayerApplier().applyDiff(diff.diff(), diff.changes(), rootfs);
    }

    assertSameTree(rootfs, umociRootfs);
  }

  @Test
  void streamedRootfsMatchesUmociUnpack() throws Exception {
    List<byte[]> layers = layers();
    Path umociRootfs = umociUnpack(layers);

    Path rootfs = Files.createDirectories(work.resolve("brume-stream/rootfs"));
    for (byte[] layer : layers) {
      new LayerApplier().applyTar(new ByteArrayInputStream(layer), rootfs, null);
    }

    assertSameTree(rootfs, umociRootfs);
  }

  /** Compares path by path so that a failure lists only the differences (brume vs umoci). */
  static void assertSameTree(Path brume, Path umoci) {
    Map<String, String> ours = withoutExtractionTimes(TreeSnapshot.of(brume, true, path -> true));
    Map<String, String> theirs = withoutExtractionTimes(TreeSnapshot.of(umoci, true, path -> true));
    Map<String, String> differences = new TreeMap<>();
    for (String path : union(ours.keySet(), theirs.keySet())) {
      if (!Objects.equals(ours.get(path), theirs.get(path))) {
        differences.put(path, "brume: " + ours.get(path) + " | umoci: " + theirs.get(path));
      }
    }
    assertThat(differences).isEmpty();
    assertThat(ours).hasSizeGreaterThan(30);
    assertThat(ours.get("home/app/.profile")).contains("xattr:user.brume=");
  }

  /**
   * Directories no layer has an entry for ("deep", "deep/implicit") get the time of extraction from
   * both tools; their mtimes cannot agree and are left out.
   */
  private static Map<String, String> withoutExtractionTimes(Map<String, String> tree) {
    for (String implicit : List.of("deep", "deep/implicit")) {
      tree.computeIfPresent(
          implicit, (path, description) -> description.replaceAll(" mtime=.*", ""));
    }
    return tree;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }

  private Path umociUnpack(List<byte[]> layers) throws Exception {
    Path layout = work.resolve("layout");
    OciLayoutFixture.write(layout, "test", layers);
    Path bundle = work.resolve("umoci-bundle");
    Process umoci =
        new ProcessBuilder("umoci", "unpack", "--image", layout + ":test", bundle.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(umoci.getInputStream().readAllBytes());
    assertThat(umoci.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(umoci.exitValue()).as("umoci unpack: %s", output).isZero();
    return bundle.resolve("rootfs");
  }
}
