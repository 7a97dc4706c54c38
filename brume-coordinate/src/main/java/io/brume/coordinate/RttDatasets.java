package io.brume.coordinate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The real RTT data sets shipped inside brume (see {@code datasets/README.md} beside this class for
 * their provenance), so that {@code --dataset planetlab490} works in any clone, and the one place
 * that turns a {@code --dataset} value (a shipped name or a file) into an {@link RttMatrix}.
 */
public final class RttDatasets {
  /** Shipped data sets by name, in the order they are listed to users. */
  private static final Map<String, String> SHIPPED =
      Map.of("planetlab490", "planetlab490.tsv.gz", "aws32", "aws32.json");

  /** The names {@link #load} accepts besides a path. */
  public static final List<String> NAMES = List.of("planetlab490", "aws32");

  /**
   * The regions of {@link #aws12()}, spread over every continent AWS serves; {@code us-east-1}
   * first, the node {@code brume up} starts its spread-out choices from.
   */
  static final List<String> AWS12_REGIONS =
      List.of(
          "us-east-1",
          "us-west-2",
          "ca-central-1",
          "sa-east-1",
          "eu-west-1",
          "eu-central-1",
          "eu-north-1",
          "me-central-1",
          "ap-south-1",
          "ap-southeast-1",
          "ap-northeast-1",
          "ap-southeast-2");

  private RttDatasets() {}

  /**
   * 12 well-spread regions of {@code aws32} (median RTTs over one year), in the order of {@link
   * #AWS12_REGIONS}: the default fog of {@code brume up}, small enough for one JVM.
   */
  public static RttMatrix aws12() {
    RttMatrix aws32 = shipped("aws32", SHIPPED.get("aws32"));
    int[] indices = new int[AWS12_REGIONS.size()];
    for (int k = 0; k < indices.length; k++) {
      indices[k] = aws32.names().indexOf(AWS12_REGIONS.get(k));
      if (indices[k] < 0) {
        throw new IllegalStateException("region " + AWS12_REGIONS.get(k) + " missing from aws32");
      }
    }
    return aws32.subset(indices);
  }

  /**
   * A shipped data set by {@linkplain #NAMES name} (case-insensitive), else the file at {@code
   * nameOrPath}.
   *
   * @throws IllegalArgumentException if it is neither, or the file is not a data set (the message
   *     says which and what is accepted)
   * @throws IOException if the file exists but cannot be read
   */
  public static RttMatrix load(String nameOrPath) throws IOException {
    String resource = SHIPPED.get(nameOrPath.strip().toLowerCase(Locale.ROOT));
    if (resource != null) {
      return shipped(nameOrPath.strip().toLowerCase(Locale.ROOT), resource);
    }
    Path file;
    try {
      file = Path.of(nameOrPath);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(notFound(nameOrPath), e);
    }
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(notFound(nameOrPath));
    }
    return RttMatrix.load(file);
  }

  private static String notFound(String value) {
    return "'"
        + value
        + "' is neither a file nor a data set shipped with brume (one of "
        + String.join(", ", NAMES)
        + ")";
  }

  private static RttMatrix shipped(String name, String resource) {
    try (InputStream in = RttDatasets.class.getResourceAsStream("datasets/" + resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "shipped RTT data set " + resource + " missing from the jar");
      }
      return RttMatrix.parse(name, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read shipped RTT data set " + resource, e);
    }
  }
}
