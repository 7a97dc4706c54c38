package io.brume.router;

import io.brume.coordinate.RttMatrix;
import java.util.SplittableRandom;

/**
 * Builds a large fog from a measured RTT matrix: every node of the matrix becomes a <em>site</em>
 * of K fog nodes (a campus, a street cabinet, a cell tower's edge rack). Fog node e is member e mod
 * K of site ⌊e / K⌋ and reaches its site's gateway over an access hop of one-way-and-back delay
 * a_e, drawn uniformly in [{@value #MIN_ACCESS_MILLIS}, {@value #MAX_ACCESS_MILLIS}] ms from the
 * seed. Then:
 *
 * <ul>
 *   <li>two fog nodes of the same site: RTT = a_e + a_f (1–5 ms);
 *   <li>fog nodes of sites s ≠ t: RTT = matrix(s, t) + a_e + a_f.
 * </ul>
 *
 * K = 1 is the matrix itself (no access hop), so an unexpanded fog has the measured RTTs exactly.
 * RTTs are computed on demand from the matrix and the K·M access delays: nothing N×N is stored.
 *
 * @param nodesPerSite K, at least 1
 */
public record SiteExpansion(int nodesPerSite) {

  /** Least access-hop RTT of a fog node to its site's gateway, ms. */
  public static final double MIN_ACCESS_MILLIS = 0.5;

  /** Largest access-hop RTT of a fog node to its site's gateway, ms. */
  public static final double MAX_ACCESS_MILLIS = 2.5;

  /** Validates K. */
  public SiteExpansion {
    if (nodesPerSite < 1) {
      throw new IllegalArgumentException(
          "expand must be >= 1 fog nodes per site, got " + nodesPerSite);
    }
  }

  /** No expansion: the fog's nodes are the matrix's nodes. */
  public static SiteExpansion none() {
    return new SiteExpansion(1);
  }

  /** The expanded fog of {@code matrix}: its size and RTTs, deterministic for a seed. */
  Expanded of(RttMatrix matrix, long seed) {
    int total = Math.multiplyExact(matrix.size(), nodesPerSite);
    double[] access = new double[total];
    if (nodesPerSite > 1) {
      SplittableRandom random = new SplittableRandom(seed ^ 0x51735L);
      for (int e = 0; e < total; e++) {
        access[e] =
            MIN_ACCESS_MILLIS + (MAX_ACCESS_MILLIS - MIN_ACCESS_MILLIS) * random.nextDouble();
      }
    }
    return new Expanded(matrix, nodesPerSite, access);
  }

  /** An expanded fog: fog node e is member e mod K of site ⌊e / K⌋. */
  static final class Expanded {
    private final RttMatrix matrix;
    private final int perSite;
    private final double[] access;

    private Expanded(RttMatrix matrix, int perSite, double[] access) {
      this.matrix = matrix;
      this.perSite = perSite;
      this.access = access;
    }

    int size() {
      return access.length;
    }

    /** The fog node's name: the matrix's name, with "/member" when sites have several nodes. */
    String name(int e) {
      String site = matrix.name(e / perSite);
      return perSite == 1 ? site : site + "/" + (e % perSite);
    }

    /** RTT in ms between fog nodes e and f (0 for e = f, NaN when the matrix lacks the pair). */
    double rttMillis(int e, int f) {
      if (e == f) {
        return 0;
      }
      int s = e / perSite;
      int t = f / perSite;
      double between = s == t ? 0 : matrix.rttMillis(s, t);
      return between + access[e] + access[f];
    }
  }
}
