package io.brume.emulation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brume.coordinate.RttMatrix;
import io.brume.router.placement.PlacementPlanner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Named nodes and the symmetric RTT between each pair, in ms: the ground truth the emulation's
 * relays reproduce. The diagonal is the "same site" RTT (a client talking to a replica on its own
 * node), at least {@value #MIN_SAME_SITE_MILLIS} ms.
 *
 * <p>Files are read by brume-coordinate's {@link RttMatrix#load} (AWS/cloudping JSON or a
 * whitespace matrix); unlike a matrix, a dataset has no missing pair: the emulation must know every
 * delay.
 */
public final class RttDataset {
  static final double MIN_SAME_SITE_MILLIS = 0.5;
  private static final String BUNDLED = "aws12_p50.json";

  private final List<String> names;
  private final double[][] rttMillis;

  private RttDataset(List<String> names, double[][] rttMillis) {
    this.names = List.copyOf(names);
    this.rttMillis = rttMillis;
  }

  /**
   * The dataset shipped in the jar: 12 well-spread AWS regions, median inter-region RTT over one
   * year (cloudping.co).
   */
  public static RttDataset bundled() {
    try (InputStream in = RttDataset.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException("bundled RTT dataset " + BUNDLED + " missing from the jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), BUNDLED);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundled RTT dataset " + BUNDLED, e);
    }
  }

  /**
   * Reads a dataset file with brume-coordinate's {@link RttMatrix#load}: a whitespace matrix in ms
   * (nodes named by index) or AWS/cloudping JSON, both directions averaged.
   *
   * @throws IllegalArgumentException naming the file and the pair if an RTT is missing
   * @throws UncheckedIOException if it cannot be read or parsed
   */
  public static RttDataset load(Path file) {
    try {
      return of(RttMatrix.load(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read RTT dataset " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The dataset of a matrix read by brume-coordinate (which rejects implausible RTTs), both
   * directions averaged.
   *
   * @throws IllegalArgumentException naming the matrix's source and the pair if an RTT is missing
   */
  public static RttDataset of(RttMatrix matrix) {
    int n = matrix.size();
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        m[i][j] = matrix.rttMillis(i, j);
      }
    }
    return checked(matrix.names(), m, matrix.source());
  }

  /** The bundled JSON (same format as the AWS file), read without touching the file system. */
  static RttDataset parse(String text, String origin) {
    JsonNode data;
    try {
      data = new ObjectMapper().readTree(text).path("data");
    } catch (IOException e) {
      throw new IllegalArgumentException(origin + ": not valid JSON: " + e.getMessage(), e);
    }
    if (!data.isObject() || data.isEmpty()) {
      throw new IllegalArgumentException(origin + ": expected a non-empty \"data\" object");
    }
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = data.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    int n = names.size();
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        JsonNode v = data.path(names.get(i)).path(names.get(j));
        m[i][j] = v.isNumber() ? v.asDouble() : Double.NaN;
      }
    }
    return checked(names, m, origin);
  }

  private static RttDataset checked(List<String> names, double[][] raw, String origin) {
    int n = names.size();
    if (n < 2) {
      throw new IllegalArgumentException(origin + ": needs at least 2 nodes, has " + n);
    }
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double a = raw[i][j];
        double b = raw[j][i];
        if (i != j && (Double.isNaN(a) || Double.isNaN(b))) {
          throw new IllegalArgumentException(
              origin
                  + ": the RTT between "
                  + names.get(i)
                  + " and "
                  + names.get(j)
                  + " is missing; the emulation needs every pair's RTT");
        }
        if (i != j && !(a > 0 && b > 0 && Double.isFinite(a) && Double.isFinite(b))) {
          throw new IllegalArgumentException(
              origin
                  + ": RTT between "
                  + names.get(i)
                  + " and "
                  + names.get(j)
                  + " must be finite and > 0 ms, got "
                  + a
                  + " and "
                  + b);
        }
        // a / 2 + b / 2: (a + b) / 2 overflows to infinity for huge finite values.
        m[i][j] = i == j ? Math.max(MIN_SAME_SITE_MILLIS, finiteOr(a, 0)) : a / 2 + b / 2;
      }
    }
    return new RttDataset(names, m);
  }

  private static double finiteOr(double v, double fallback) {
    return Double.isFinite(v) ? v : fallback;
  }

  /** Number of nodes. */
  public int size() {
    return names.size();
  }

  /** Name of node {@code i}. */
  public String name(int i) {
    return names.get(i);
  }

  /** All names, in index order. */
  public List<String> names() {
    return names;
  }

  /** Symmetric RTT between nodes {@code i} and {@code j} in ms; the same-site RTT if i = j. */
  public double rttMillis(int i, int j) {
    return rttMillis[i][j];
  }

  /**
   * {@code count} nodes spread over the dataset: node 0, then repeatedly the node farthest from
   * those already chosen (greedy k-centre), so a small fog still spans the dataset's regions.
   *
   * @throws IllegalArgumentException if {@code count} is below 2 or above {@link #size()}
   */
  public RttDataset spreadSubset(int count) {
    if (count < 2 || count > size()) {
      throw new IllegalArgumentException(
          "cannot take "
              + count
              + " nodes from a dataset of "
              + size()
              + " (need 2.."
              + size()
              + ")");
    }
    int[] chosen = PlacementPlanner.farthestFirst(size(), this::rttMillis, count, 0);
    java.util.Arrays.sort(chosen);
    List<String> subNames = new ArrayList<>();
    double[][] sub = new double[count][count];
    for (int a = 0; a < count; a++) {
      subNames.add(names.get(chosen[a]));
      for (int b = 0; b < count; b++) {
        sub[a][b] = rttMillis[chosen[a]][chosen[b]];
      }
    }
    return new RttDataset(subNames, sub);
  }
}
