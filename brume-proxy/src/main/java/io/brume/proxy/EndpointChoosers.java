package io.brume.proxy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Simple built-in {@link EndpointChooser}s that need no coordinates. */
public final class EndpointChoosers {
  private EndpointChoosers() {}

  /** Cycles through the candidates. */
  public static EndpointChooser roundRobin() {
    AtomicLong next = new AtomicLong();
    return candidates ->
        candidates.get((int) Math.floorMod(next.getAndIncrement(), (long) candidates.size()));
  }

  /** Uniformly random, like kube-proxy. */
  public static EndpointChooser random() {
    return candidates -> candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
  }

  /** The candidate with the fewest requests in flight; ties broken at random. */
  public static EndpointChooser leastOutstanding() {
    return new LeastOutstanding();
  }

  private static final class LeastOutstanding implements EndpointChooser {
    private final Map<Endpoint, AtomicInteger> outstanding = new ConcurrentHashMap<>();

    @Override
    public Endpoint choose(List<Endpoint> candidates) {
      Endpoint best = null;
      int bestCount = Integer.MAX_VALUE;
      int ties = 0;
      for (Endpoint candidate : candidates) {
        int count = counter(candidate).get();
        if (count < bestCount) {
          best = candidate;
          bestCount = count;
          ties = 1;
        } else if (count == bestCount && ThreadLocalRandom.current().nextInt(++ties) == 0) {
          best = candidate; // reservoir sampling keeps ties uniform
        }
      }
      return best;
    }

    @Override
    public void requestStarted(Endpoint endpoint) {
      counter(endpoint).incrementAndGet();
    }

    @Override
    public void requestFinished(Endpoint endpoint, Duration latency, boolean success) {
      counter(endpoint).decrementAndGet();
    }

    private AtomicInteger counter(Endpoint endpoint) {
      return outstanding.computeIfAbsent(endpoint, e -> new AtomicInteger());
    }
  }
}
