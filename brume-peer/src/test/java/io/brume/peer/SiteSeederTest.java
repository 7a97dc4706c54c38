package io.brume.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.coordinate.Coordinate;
import io.brume.oci.Digest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The seeder of a site: computed alone by every member, the same for all of them. */
class SiteSeederTest {
  private static final SiteSeeder BY_SITE = new SiteSeeder(10);

  private static Coordinate at(double x) {
    return new Coordinate(new double[] {x, 0}, 0.1, 0, 0.2);
  }

  /** Three sites 60 ms apart, four nodes each, 0.5 ms apart within a site. */
  private static Map<String, Coordinate> fog() {
    Map<String, Coordinate> nodes = new HashMap<>();
    for (int site = 0; site < 3; site++) {
      for (int n = 0; n < 4; n++) {
        nodes.put("s" + site + "-n" + n, at(site * 60 + n * 0.5));
      }
    }
    return nodes;
  }

  private static String seederSeenBy(
      SiteSeeder seeder, String self, Map<String, Coordinate> nodes, Digest image) {
    List<PeerNode> peers = new ArrayList<>();
    nodes.forEach(
        (name, c) -> {
          if (!name.equals(self)) {
            peers.add(PeerNode.of(name, URI.create("http://" + name + ":7948"), c));
          }
        });
    return seeder.seeder(self, nodes.get(self), peers, image);
  }

  private static Digest image(String name) {
    return Digest.sha256(name.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void everyMemberOfASiteNamesTheSameSeederFromItsOwnSite() {
    Map<String, Coordinate> nodes = fog();
    for (int i = 0; i < 20; i++) {
      Digest image = image("app-" + i);
      for (int site = 0; site < 3; site++) {
        String seeder = seederSeenBy(BY_SITE, "s" + site + "-n0", nodes, image);
        assertThat(seeder).startsWith("s" + site + "-");
        for (int n = 1; n < 4; n++) {
          assertThat(seederSeenBy(BY_SITE, "s" + site + "-n" + n, nodes, image)).isEqualTo(seeder);
        }
      }
    }
  }

  @Test
  void imagesSpreadOverTheMembersOfASite() {
    Map<String, Coordinate> nodes = fog();
    Map<String, Integer> load = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      load.merge(seederSeenBy(BY_SITE, "s1-n2", nodes, image("img-" + i)), 1, Integer::sum);
    }
    assertThat(load).containsOnlyKeys("s1-n0", "s1-n1", "s1-n2", "s1-n3");
    assertThat(load.values()).allSatisfy(count -> assertThat(count).isBetween(25, 75));
  }

  @Test
  void withProximityOffTheWholeClusterSharesOneSeeder() {
    SiteSeeder cluster = new SiteSeeder(Double.POSITIVE_INFINITY);
    Map<String, Coordinate> nodes = fog();
    Digest image = image("app");
    String seeder = seederSeenBy(cluster, "s0-n0", nodes, image);
    for (String node : nodes.keySet()) {
      assertThat(seederSeenBy(cluster, node, nodes, image)).isEqualTo(seeder);
    }
  }

  @Test
  void aNodeAloneInItsSiteSeedsItself() {
    assertThat(BY_SITE.seeder("solo", at(0), List.of(), image("x"))).isEqualTo("solo");
  }
}
