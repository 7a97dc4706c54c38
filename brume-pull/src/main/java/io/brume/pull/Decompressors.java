package io.brume.pull;

import io.brume.oci.MediaType.Compression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Chooses how to inflate a layer. gzip is the bottleneck of every pull (the notes measure inflate
 * at 2–15× the tar time), and ISA-L's {@code igzip} is the fastest inflater Debian ships, so it is
 * preferred when installed; {@code BRUME_DISABLE_IGZIP=1} turns it off like containerd's {@code
 * CONTAINERD_DISABLE_IGZIP}.
 */
public final class Decompressors {
  private Decompressors() {}

  /** The single-threaded in-process inflater the standard engines use. */
  public static Decompressor standard(Compression compression) {
    return switch (compression) {
      case GZIP -> new JavaGzipDecompressor();
      case ZSTD -> new ZstdDecompressor();
      case NONE -> new IdentityDecompressor();
    };
  }

  /** The fastest inflater available on this machine for {@code compression}. */
  public static Decompressor fastest(Compression compression) {
    if (compression == Compression.GZIP && System.getenv("BRUME_DISABLE_IGZIP") == null) {
      Optional<Path> igzip = onPath("igzip");
      if (igzip.isPresent()) {
        return new ExternalDecompressor("igzip", List.of(igzip.get().toString(), "-d", "-c"));
      }
    }
    return standard(compression);
  }

  /** An external inflater by name ({@code igzip} or {@code unpigz}), for benchmarks and tests. */
  public static Optional<Decompressor> external(String program) {
    return onPath(program)
        .map(path -> new ExternalDecompressor(program, List.of(path.toString(), "-d", "-c")));
  }

  private static Optional<Path> onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
