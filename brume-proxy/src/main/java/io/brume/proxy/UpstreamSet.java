package io.brume.proxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The endpoints of one service with their status, and the only place that changes it: outlier
 * ejection on consecutive failures, re-admission by health checks, draining on removal. Offers the
 * chooser the ready endpoints not yet tried for a request.
 */
final class UpstreamSet {
  private final EndpointChooser chooser;
  private final int ejectAfterFailures;
  private volatile Snapshot snapshot;

  /**
   * The upstreams with their endpoint list, built once per change of the set so that the common
   * request (every endpoint ready, none tried yet) offers the chooser the same list without
   * allocating.
   */
  private record Snapshot(List<Upstream> upstreams, List<Endpoint> endpoints) {
    static Snapshot of(List<Upstream> upstreams) {
      List<Upstream> copy = List.copyOf(upstreams);
      return new Snapshot(copy, copy.stream().map(Upstream::endpoint).toList());
    }

    boolean allReady() {
      for (Upstream upstream : upstreams) {
        if (upstream.status != EndpointStatus.READY) {
          return false;
        }
      }
      return true;
    }
  }

  UpstreamSet(List<Endpoint> endpoints, EndpointChooser chooser, int ejectAfterFailures) {
    this.chooser = chooser;
    this.ejectAfterFailures = ejectAfterFailures;
    this.snapshot = Snapshot.of(endpoints.stream().distinct().map(Upstream::new).toList());
  }

  List<Upstream> all() {
    return snapshot.upstreams();
  }

  /**
   * Chooses among ready endpoints not in {@code tried}. When no endpoint at all is ready, ejected
   * ones are offered instead ("panic mode", as in Envoy): a possibly failing replica beats a
   * certain 503 when every replica looks down, e.g. after a network blip.
   *
   * @return null when there is no candidate
   */
  @Nullable Upstream choose(List<Upstream> tried) {
    Snapshot current = snapshot;
    List<Endpoint> candidates =
        tried.isEmpty() && current.allReady() ? current.endpoints() : candidates(current, tried);
    if (candidates.isEmpty()) {
      return null;
    }
    Endpoint chosen = chooser.choose(candidates);
    for (Upstream upstream : current.upstreams()) {
      if (upstream.endpoint().equals(chosen)) {
        return upstream;
      }
    }
    throw new IllegalStateException(
        "endpoint chooser returned " + chosen + ", which is not one of " + candidates);
  }

  /** The general case: some endpoint is not ready or was already tried for this request. */
  private static List<Endpoint> candidates(Snapshot current, List<Upstream> tried) {
    List<Endpoint> candidates = new ArrayList<>(current.upstreams().size());
    boolean anyReady = false;
    for (Upstream upstream : current.upstreams()) {
      if (upstream.status == EndpointStatus.READY) {
        anyReady = true;
        if (!tried.contains(upstream)) {
          candidates.add(upstream.endpoint());
        }
      }
    }
    if (!anyReady) {
      for (Upstream upstream : current.upstreams()) {
        if (upstream.status == EndpointStatus.EJECTED && !tried.contains(upstream)) {
          candidates.add(upstream.endpoint());
        }
      }
    }
    return List.copyOf(candidates);
  }

  void started(Upstream upstream) {
    upstream.outstanding.incrementAndGet();
    chooser.requestStarted(upstream.endpoint());
  }

  /** Records the end of a request started with {@link #started}; ejects after enough failures. */
  void finished(Upstream upstream, long latencyNanos, boolean success) {
    chooser.requestFinished(upstream.endpoint(), Duration.ofNanos(latencyNanos), success);
    if (success) {
      upstream.consecutiveFailures.set(0);
    } else if (upstream.consecutiveFailures.incrementAndGet() >= ejectAfterFailures) {
      eject(upstream);
    }
    if (upstream.outstanding.decrementAndGet() == 0 && upstream.status == EndpointStatus.DRAINING) {
      removeDrained();
    }
  }

  void eject(Upstream upstream) {
    synchronized (this) {
      if (upstream.status != EndpointStatus.READY) {
        return;
      }
      upstream.ejectedAtNanos = System.nanoTime();
      upstream.status = EndpointStatus.EJECTED;
    }
    upstream.closeIdle();
  }

  void readmit(Upstream upstream) {
    synchronized (this) {
      if (upstream.status == EndpointStatus.EJECTED) {
        upstream.consecutiveFailures.set(0);
        upstream.status = EndpointStatus.READY;
      }
    }
  }

  /**
   * Replaces the endpoint list: new endpoints start ready, kept ones keep their state, missing ones
   * drain (no new requests; they leave once their requests in flight are done).
   */
  synchronized void update(List<Endpoint> endpoints) {
    List<Upstream> next = new ArrayList<>();
    for (Upstream upstream : snapshot.upstreams()) {
      if (endpoints.contains(upstream.endpoint())) {
        next.add(upstream);
      } else if (upstream.outstanding.get() > 0) {
        upstream.status = EndpointStatus.DRAINING;
        upstream.closeIdle();
        next.add(upstream);
      } else {
        upstream.status = EndpointStatus.DRAINING;
        upstream.closeIdle();
      }
    }
    for (Endpoint endpoint : endpoints) {
      if (next.stream().noneMatch(u -> u.endpoint().equals(endpoint))) {
        next.add(new Upstream(endpoint));
      } else {
        next.stream()
            .filter(u -> u.endpoint().equals(endpoint) && u.status == EndpointStatus.DRAINING)
            .forEach(u -> u.status = EndpointStatus.READY); // re-added while draining
      }
    }
    snapshot = Snapshot.of(next);
  }

  private synchronized void removeDrained() {
    snapshot =
        Snapshot.of(
            snapshot.upstreams().stream()
                .filter(u -> u.status != EndpointStatus.DRAINING || u.outstanding.get() > 0)
                .toList());
  }

  Map<Endpoint, EndpointStatus> statuses() {
    Map<Endpoint, EndpointStatus> statuses = new LinkedHashMap<>();
    for (Upstream upstream : snapshot.upstreams()) {
      statuses.put(upstream.endpoint(), upstream.status);
    }
    return statuses;
  }

  void closeAll() {
    for (Upstream upstream : snapshot.upstreams()) {
      upstream.closeIdle();
    }
  }
}
