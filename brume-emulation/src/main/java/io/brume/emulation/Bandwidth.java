package io.brume.emulation;

import io.brume.registry.TokenBucket;
import java.util.List;

/**
 * The rate limits of one relayed TCP path, per direction: every byte a {@link TcpDelayRelay} reads
 * must be allowed by every bucket of its direction. A bucket stands for one emulated link and is
 * shared by every path that crosses it (the origin's uplink by all connections to the origin, a
 * node's access link by all of that node's connections), so concurrent transfers split its rate.
 *
 * @param toTarget buckets of the client-to-target direction (requests)
 * @param toClient buckets of the target-to-client direction (responses: the blobs)
 */
record Bandwidth(List<TokenBucket> toTarget, List<TokenBucket> toClient) {
  /** No limit in either direction. */
  static final Bandwidth UNLIMITED = new Bandwidth(List.of(), List.of());

  Bandwidth {
    toTarget = List.copyOf(toTarget);
    toClient = List.copyOf(toClient);
  }

  /**
   * Takes allowance for up to {@code wanted} bytes from every bucket of {@code buckets}, waiting as
   * long as the slowest needs; returns how many bytes were granted by all (at least 1). Allowance a
   * bucket granted beyond what a later one granted is given back at once.
   */
  static int acquire(List<TokenBucket> buckets, int wanted) throws InterruptedException {
    int granted = wanted;
    for (int i = 0; i < buckets.size(); i++) {
      int got = buckets.get(i).acquire(granted);
      for (int j = 0; j < i; j++) {
        buckets.get(j).giveBack(granted - got);
      }
      granted = got;
    }
    return granted;
  }

  /** Returns unused allowance to every bucket of {@code buckets}. */
  static void giveBack(List<TokenBucket> buckets, int unused) {
    for (TokenBucket bucket : buckets) {
      bucket.giveBack(unused);
    }
  }
}
