package io.brume.emulation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleBiFunction;

/**
 * Where the demo service's replicas go: in sites of up to {@code perSite} nodes, so that peers can
 * help a deployment (a site's second node fetches the image from its first instead of across the
 * origin's uplink). Pure and deterministic.
 *
 * <p>A site is a node (its anchor) plus its {@code perSite − 1} nearest unused nodes. Anchors are
 * chosen farthest-first (greedy k-centre, as {@code PlacementPlanner.farthestFirst}), the first one
 * being the first node, among the candidates whose site is compact (every member within {@code
 * compactMillis} of the anchor); when no candidate is compact, among all of them. With {@code
 * perSite = 1} this is plain farthest-first placement.
 *
 * @param sites the sites, each a list of node names, anchor first
 * @param peerSiteRadiusMillis the RTT within which peers count each other as one site ({@code
 *     PeerFetcher.siteRadiusMillis}): three quarters of the way from the widest site to the closest
 *     two sites, so that estimates still settling group the sites as placed
 */
record SitePlacement(List<List<String>> sites, double peerSiteRadiusMillis) {

  SitePlacement {
    sites = sites.stream().map(List::copyOf).toList();
  }

  /**
   * Places {@code replicas} replicas on {@code nodes}.
   *
   * @param rttMillis the true RTT between two node names
   * @throws IllegalArgumentException if {@code replicas} is not in 1..nodes or {@code perSite < 1}
   */
  static SitePlacement plan(
      List<String> nodes,
      ToDoubleBiFunction<String, String> rttMillis,
      int replicas,
      int perSite,
      double compactMillis) {
    if (replicas < 1 || replicas > nodes.size()) {
      throw new IllegalArgumentException(
          "replicas must be in 1.." + nodes.size() + ", got " + replicas);
    }
    if (perSite < 1) {
      throw new IllegalArgumentException("replicas per site must be >= 1, got " + perSite);
    }
    List<List<String>> sites = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (int placed = 0; placed < replicas; ) {
      int size = Math.min(perSite, replicas - placed);
      List<List<String>> candidates = new ArrayList<>();
      for (String anchor : nodes) {
        if (!used.contains(anchor)) {
          candidates.add(site(anchor, nodes, used, size, rttMillis));
        }
      }
      List<List<String>> compact =
          candidates.stream().filter(site -> spread(site, rttMillis) <= compactMillis).toList();
      List<List<String>> pool = compact.isEmpty() ? candidates : compact;
      List<String> chosen = pool.get(0);
      if (!used.isEmpty()) {
        double best = -1;
        for (List<String> site : pool) {
          double distance = nearestUsed(site.get(0), used, rttMillis);
          if (distance > best) {
            best = distance;
            chosen = site;
          }
        }
      }
      sites.add(chosen);
      used.addAll(chosen);
      placed += chosen.size();
    }
    return new SitePlacement(sites, radius(sites, rttMillis));
  }

  /** Every host, site by site. */
  List<String> hosts() {
    return sites.stream().flatMap(List::stream).toList();
  }

  /** The anchor plus its {@code size − 1} nearest unused nodes (ties: list order). */
  private static List<String> site(
      String anchor,
      List<String> nodes,
      Set<String> used,
      int size,
      ToDoubleBiFunction<String, String> rttMillis) {
    List<String> site = new ArrayList<>();
    site.add(anchor);
    nodes.stream()
        .filter(n -> !n.equals(anchor) && !used.contains(n))
        .sorted(Comparator.comparingDouble(n -> rttMillis.applyAsDouble(anchor, n)))
        .limit(size - 1)
        .forEach(site::add);
    return site;
  }

  private static double spread(List<String> site, ToDoubleBiFunction<String, String> rttMillis) {
    return site.stream().mapToDouble(n -> rttMillis.applyAsDouble(site.get(0), n)).max().orElse(0);
  }

  private static double nearestUsed(
      String node, Set<String> used, ToDoubleBiFunction<String, String> rttMillis) {
    return used.stream().mapToDouble(u -> rttMillis.applyAsDouble(node, u)).min().orElse(0);
  }

  private static double radius(
      List<List<String>> sites, ToDoubleBiFunction<String, String> rttMillis) {
    double widest = 0;
    double closest = Double.POSITIVE_INFINITY;
    for (int a = 0; a < sites.size(); a++) {
      for (String x : sites.get(a)) {
        for (int b = 0; b < sites.size(); b++) {
          for (String y : sites.get(b)) {
            if (x.equals(y)) {
              continue;
            }
            double rtt = rttMillis.applyAsDouble(x, y);
            if (a == b) {
              widest = Math.max(widest, rtt);
            } else {
              closest = Math.min(closest, rtt);
            }
          }
        }
      }
    }
    if (closest == Double.POSITIVE_INFINITY) {
      return 1.5 * widest; // one site: anything near counts
    }
    // Three quarters of the way from the widest site to the closest two: Vivaldi's error is large
    // in absolute terms on short links (a 30 ms pair estimated at 55 ms is common while the
    // coordinates settle), small on the long links between sites. Overlapping sites (no compact
    // ones): the widest decides, and near sites merge.
    return widest < closest ? widest + 0.75 * (closest - widest) : widest;
  }
}
