package io.brume.coordinate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A symmetric matrix of measured RTTs in milliseconds between named nodes, with missing entries.
 * Immutable.
 *
 * <p>{@link #load(Path)} and {@link #parse} read two formats, detected from the content, either
 * plain or gzip-compressed:
 *
 * <ul>
 *   <li>a whitespace-separated square matrix (one row per line, no header, {@code #} comments),
 *       nodes named {@code 0 … n−1};
 *   <li>the AWS JSON format ({@code {"data": {src: {dst: ms}}}}), nodes named by region in sorted
 *       order.
 * </ul>
 *
 * <p>An entry that is ≤ 0, {@code NaN}, {@code -} or JSON {@code null} is missing. Anything else
 * that is not a number, and any RTT above {@link VivaldiConfig#MAX_RTT_MILLIS} (including
 * infinity), is rejected with an error naming the source, the line and the value: such a number is
 * not a measured round trip, and letting it through turns averages into infinity further on.
 *
 * <p>Both are symmetrised: when both directions are known the entry is their average, when one is
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
   * A matrix from names and a square array in ms (copied); non-positive or NaN entries are missing.
   * The result is symmetrised as {@link #load(Path)} does.
   *
   * @throws IllegalArgumentException if the array is not square, the names do not match its size,
   *     or an entry is above {@link VivaldiConfig#MAX_RTT_MILLIS}
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
        raw[i * n + j] =
            Double.isNaN(v) ? v : checkedMillis(v, "RTT matrix row " + i + ", column " + j);
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
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(file + ": is a directory, not an RTT data set file");
    }
    byte[] content;
    try (InputStream in = Files.newInputStream(file)) {
      content = in.readNBytes(MAX_BYTES + 1);
    }
    return parse(file.toString(), content);
  }

  /**
   * Reads a data set from its bytes (plain or gzip); {@code source} names it in errors.
   *
   * @throws IllegalArgumentException if the content is not a data set (the message names the
   *     source, and the line where one applies)
   */
  public static RttMatrix parse(String source, byte[] content) {
    String text = text(source, content);
    RttMatrix m =
        text.stripLeading().startsWith("{")
            ? parseAwsJson(source, text)
            : parseWhitespace(source, text);
    return new RttMatrix(source, m.names, m.rtt);
  }

  /** Data sets are at most this large (also after decompression): bounds memory and time. */
  static final int MAX_BYTES = 64 << 20;

  private static String text(String source, byte[] content) {
    byte[] bytes = content;
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            source + ": damaged gzip data (" + e.getMessage() + "); expected an RTT data set", e);
      }
    }
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          source + ": larger than " + (MAX_BYTES >> 20) + " MiB; not an RTT data set brume reads");
    }
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      if (text.indexOf('\0') >= 0) {
        throw new CharacterCodingException();
      }
      return text;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          source
              + ": binary content, not an RTT data set (expected a text matrix of RTTs in ms or"
              + " AWS JSON, optionally gzip-compressed)");
    }
  }

  private static RttMatrix parseWhitespace(String file, String text) {
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
        row[k] = entry(parts[k], file + ": line " + (ln + 1) + ", column " + (k + 1));
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

  /** An entry in ms, NaN when missing; {@code where} names it in the error for a bad one. */
  private static double entry(String token, String where) {
    if (token.equals("-") || token.equalsIgnoreCase("nan")) {
      return Double.NaN;
    }
    double v;
    try {
      // Double.parseDouble also takes hex floats and a trailing "d"/"f": not in a data set.
      if (!DECIMAL.matcher(token).matches()) {
        throw new NumberFormatException();
      }
      v = Double.parseDouble(token);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          where
              + ": '"
              + abbreviate(token)
              + "' is not an RTT in ms (a number; ≤ 0, NaN or - for a missing entry)");
    }
    return checkedMillis(v, where);
  }

  private static double checkedMillis(double v, String where) {
    if (v > VivaldiConfig.MAX_RTT_MILLIS) {
      throw new IllegalArgumentException(
          where
              + ": RTT "
              + v
              + " ms is implausible (more than "
              + (long) VivaldiConfig.MAX_RTT_MILLIS
              + " ms); fix the entry or mark it missing with NaN");
    }
    return v > 0 ? v : Double.NaN;
  }

  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|[+-]?Infinity");

  private static String abbreviate(String token) {
    return token.length() <= 20 ? token : token.substring(0, 20) + "…";
  }

  private static RttMatrix parseAwsJson(String file, String text) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          file
              + ": not valid JSON: "
              + String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
          e);
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
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(names.get(i), i);
    }
    double[] raw = new double[n * n];
    Arrays.fill(raw, Double.NaN);
    for (Map.Entry<String, JsonNode> src : data.properties()) {
      int i = Objects.requireNonNull(index.get(src.getKey()));
      for (Map.Entry<String, JsonNode> dst : src.getValue().properties()) {
        int j = Objects.requireNonNull(index.get(dst.getKey()));
        JsonNode v = dst.getValue();
        String where = file + ": data." + src.getKey() + "." + dst.getKey();
        double ms;
        if (v.isNull()) {
          ms = Double.NaN;
        } else if (v.isNumber()) {
          ms = checkedMillis(v.doubleValue(), where);
        } else if (v.isTextual()) {
          ms = entry(v.asText().strip(), where);
        } else {
          throw new IllegalArgumentException(
              where + ": expected an RTT in ms (a number or null), found " + v.getNodeType());
        }
        raw[i * n + j] = ms;
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
