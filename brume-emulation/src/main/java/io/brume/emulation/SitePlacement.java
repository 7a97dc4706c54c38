package io.brume.emulation;

import io.brume.router.placement.PlacementPlanner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleBiFunction;

/**
 * Where the demo service's replicas go: in sites of up to {@code perSite} nodes, so that peers can
 * help a deployment (a site's second node fetches the image from its first instead of across the
 * origin's uplink). Pure and deterministic.
 *
 * <p>The sites come from brume-router's one placement planner ({@link PlacementPlanner#inSites}: an
 * anchor and its nearest unused nodes, anchors farthest-first among compact sites); this record
 * adds the names and the radius within which the peers count each other as one site.
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
   * Places {@code replicas} replicas on {@code nodes} with brume-router's {@link
   * PlacementPlanner#inSites} and derives the peers' site radius.
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
    int[][] planned =
        PlacementPlanner.inSites(
            nodes.size(),
            (a, b) -> rttMillis.applyAsDouble(nodes.get(a), nodes.get(b)),
            replicas,
            perSite,
            compactMillis);
    List<List<String>> sites = new ArrayList<>();
    for (int[] site : planned) {
      sites.add(Arrays.stream(site).mapToObj(nodes::get).toList());
    }
    return new SitePlacement(sites, radius(sites, rttMillis));
  }

  /** Every host, site by site. */
  List<String> hosts() {
    return sites.stream().flatMap(List::stream).toList();
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
