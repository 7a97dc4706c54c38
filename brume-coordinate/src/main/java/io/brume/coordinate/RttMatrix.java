package io.brume.coordinate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A symmetric matrix of measured RTTs in milliseconds between named nodes, with missing entries.
 * Immutable.
 *
 * <p>{@link #load(Path)} reads two formats, detected from the content:
 *
 * <ul>
 *   <li>a whitespace-separated square matrix (one row per line, no header), nodes named {@code 0 …
 *       n−1}; entries that are ≤ 0, non-numeric, NaN or infinite are missing;
 *   <li>the AWS JSON format of {@code shared/data/rtt} ({@code {"data": {src: {dst: ms}}}}), nodes
 *       named by region in sorted order.
 * </ul>
 *
 * Both are symmetrised: when both directions are known the entry is their average, when one is
 * known it is used for both. The diagonal is kept as given when positive (the AWS intra-region RTT)
 * but never used by the evaluation.
 */
public final class RttMatrix {
  private final String source;
  private final List<String> names;
  private final double[] rtt; // row-major n×n, NaN when missing

  private RttMatrix(String source, List<String> names, double[] rtt) {
    this.source = source;
    this.names = List.copyOf(names);
    this.rtt = rtt;
  }

  /**
   * A matrix from names and a square array in ms (copied); non-positive or non-finite entries are
   * missing. The result is symmetrised as {@link #load(Path)} does.
   *
   * @throws IllegalArgumentException if the array is not square or the names do not match its size
   */
  public static RttMatrix of(List<String> names, double[][] millis) {
    Objects.requireNonNull(names, "names");
    int n = millis.length;
    if (names.size() != n) {
      throw new IllegalArgumentException(
          "RTT matrix has " + n + " rows but " + names.size() + " names");
    }
    double[] raw = new double[n * n];
    for (int i = 0; i < n; i++) {
      if (millis[i].length != n) {
        throw new IllegalArgumentException(
            "RTT matrix is not square: row "
                + i
                + " has "
                + millis[i].length
                + " entries, expected "
                + n);
      }
      for (int j = 0; j < n; j++) {
        double v = millis[i][j];
        raw[i * n + j] = v > 0 && Double.isFinite(v) ? v : Double.NaN;
      }
    }
    return new RttMatrix("memory", names, symmetrise(raw, n));
  }

  /**
   * Reads a data set file; see the class comment for the formats.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the content is neither format (the message names the file
   *     and the line)
   */
  public static RttMatrix load(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String trimmed = text.stripLeading();
    RttMatrix m;
    if (trimmed.startsWith("{")) {
      m = parseAwsJson(file, text);
    } else {
      m = parseWhitespace(file, text);
    }
    return new RttMatrix(file.toString(), m.names, m.rtt);
  }

  private static RttMatrix parseWhitespace(Path file, String text) {
    List<double[]> rows = new ArrayList<>();
    String[] lines = text.split("\r?\n|\r");
    for (int ln = 0; ln < lines.length; ln++) {
      String line = lines[ln].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      double[] row = new double[parts.length];
      for (int k = 0; k < parts.length; k++) {
        row[k] = parseEntry(parts[k]);
      }
      rows.add(row);
    }
    int n = rows.size();
    if (n < 2) {
      throw new IllegalArgumentException(
          file + ": an RTT matrix needs at least 2 rows, found " + n);
    }
    double[] raw = new double[n * n];
    for (int i = 0; i < n; i++) {
      double[] row = rows.get(i);
      if (row.length != n) {
        throw new IllegalArgumentException(
            file
                + ": not a square matrix: row "
                + (i + 1)
                + " has "
                + row.length
                + " entries, expected "
                + n);
      }
      System.arraycopy(row, 0, raw, i * n, n);
    }
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add(Integer.toString(i));
    }
    return new RttMatrix(file.toString(), names, symmetrise(raw, n));
  }

  private static double parseEntry(String s) {
    try {
      double v = Double.parseDouble(s);
      return v > 0 && Double.isFinite(v) ? v : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static RttMatrix parseAwsJson(Path file, String text) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage(), e);
    }
    JsonNode data = root.get("data");
    if (data == null || !data.isObject()) {
      throw new IllegalArgumentException(
          file + ": JSON RTT data needs an object field \"data\": {src: {dst: ms}}");
    }
    TreeSet<String> all = new TreeSet<>();
    for (Map.Entry<String, JsonNode> src : data.properties()) {
      all.add(src.getKey());
      if (!src.getValue().isObject()) {
        throw new IllegalArgumentException(
            file + ": data." + src.getKey() + " must be an object {dst: ms}");
      }
      for (Map.Entry<String, JsonNode> dst : src.getValue().properties()) {
        all.add(dst.getKey());
      }
    }
    List<String> names = new ArrayList<>(all);
    int n = names.size();
    if (n < 2) {
      throw new IllegalArgumentException(
          file + ": an RTT matrix needs at least 2 nodes, found " + n);
    }
    double[] raw = new double[n * n];
    Arrays.fill(raw, Double.NaN);
    for (Map.Entry<String, JsonNode> src : data.properties()) {
      int i = names.indexOf(src.getKey());
      for (Map.Entry<String, JsonNode> dst : src.getValue().properties()) {
        int j = names.indexOf(dst.getKey());
        JsonNode v = dst.getValue();
        double ms =
            v.isNumber() ? v.doubleValue() : v.isTextual() ? parseEntry(v.asText()) : Double.NaN;
        raw[i * n + j] = ms > 0 && Double.isFinite(ms) ? ms : Double.NaN;
      }
    }
    return new RttMatrix(file.toString(), names, symmetrise(raw, n));
  }

  private static double[] symmetrise(double[] raw, int n) {
    double[] out = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double a = raw[i * n + j];
        double b = raw[j * n + i];
        out[i * n + j] = Double.isNaN(a) ? b : Double.isNaN(b) ? a : (a + b) / 2.0;
      }
    }
    return out;
  }

  /** Number of nodes. */
  public int size() {
    return names.size();
  }

  /** The name of node {@code i}. */
  public String name(int i) {
    return names.get(i);
  }

  /** All names, in index order. */
  public List<String> names() {
    return names;
  }

  /** Where the matrix came from (a file path, or "memory"). */
  public String source() {
    return source;
  }

  /** The RTT between {@code i} and {@code j} in ms, NaN when missing. */
  public double rttMillis(int i, int j) {
    return rtt[i * names.size() + j];
  }

  /** True if the RTT between two distinct nodes is known. */
  public boolean known(int i, int j) {
    return i != j && !Double.isNaN(rtt[i * names.size() + j]);
  }

  /** Number of known unordered pairs {i, j}, i ≠ j. */
  public long knownPairs() {
    long count = 0;
    int n = size();
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (known(i, j)) {
          count++;
        }
      }
    }
    return count;
  }

  /**
   * The matrix restricted to the given nodes, in the given order.
   *
   * @throws IllegalArgumentException if an index is out of range or repeated
   */
  public RttMatrix subset(int[] indices) {
    int n = size();
    int k = indices.length;
    boolean[] seen = new boolean[n];
    List<String> sub = new ArrayList<>(k);
    for (int idx : indices) {
      if (idx < 0 || idx >= n) {
        throw new IllegalArgumentException("subset index " + idx + " out of range [0, " + n + ")");
      }
      if (seen[idx]) {
        throw new IllegalArgumentException("subset index " + idx + " repeated");
      }
      seen[idx] = true;
      sub.add(names.get(idx));
    }
    double[] out = new double[k * k];
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        out[a * k + b] = rtt[indices[a] * n + indices[b]];
      }
    }
    return new RttMatrix(source, sub, out);
  }
}
