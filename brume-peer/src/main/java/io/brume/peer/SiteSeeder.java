package io.brume.peer;

import io.brume.coordinate.Coordinate;
import io.brume.oci.Digest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Optional;

/**
 * Decides which node of a site fetches an image from the registry when no peer holds it yet, so
 * that a deployment to every node at once crosses the site's uplink about once instead of once per
 * node. Pure and deterministic: the site of a node is itself plus the peers whose estimated RTT is
 * within {@code siteRadiusMillis}; the seeder is the site member with the highest rendezvous hash
 * of (name, image). Every member computes the same answer from its own coordinates without talking
 * to anyone, different images spread over different members, and a member leaving only moves the
 * images it was seeding (highest-random-weight hashing, Thaler &amp; Ravishankar 1998).
 *
 * <p>With an infinite radius (proximity off, the random-peer baseline) the whole cluster is one
 * site: one seeder for everyone.
 */
public final class SiteSeeder {
  private final double siteRadiusMillis;

  /**
   * @param siteRadiusMillis peers estimated within this RTT share a site; +∞ for the cluster
   */
  public SiteSeeder(double siteRadiusMillis) {
    if (!(siteRadiusMillis >= 0)) {
      throw new IllegalArgumentException("site radius must be ≥ 0 ms, got " + siteRadiusMillis);
    }
    this.siteRadiusMillis = siteRadiusMillis;
  }

  /** The name of the node that should fetch {@code image} for {@code self}'s site. */
  public String seeder(
      String self, Coordinate selfCoordinate, Collection<PeerNode> peers, Digest image) {
    String best = self;
    long bestScore = score(self, image);
    for (PeerNode peer : peers) {
      if (!sameSite(selfCoordinate, peer.coordinate())) {
        continue;
      }
      long score = score(peer.name(), image);
      if (score > bestScore || score == bestScore && peer.name().compareTo(best) < 0) {
        best = peer.name();
        bestScore = score;
      }
    }
    return best;
  }

  /** Whether a node at {@code peer} is in the site of a node at {@code self}. */
  boolean sameSite(Coordinate self, Optional<Coordinate> peer) {
    if (siteRadiusMillis == Double.POSITIVE_INFINITY) {
      return true;
    }
    return peer.isPresent()
        && self.isCompatibleWith(peer.get())
        && self.estimateRttMillis(peer.get()) <= siteRadiusMillis;
  }

  /** The rendezvous weight of {@code node} for {@code image}: 64 bits of SHA-256. */
  static long score(String node, Digest image) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(node.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(image.toString().getBytes(StandardCharsets.US_ASCII));
      return ByteBuffer.wrap(sha.digest()).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
