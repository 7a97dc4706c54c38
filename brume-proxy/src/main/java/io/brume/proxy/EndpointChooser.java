package io.brume.proxy;

import java.time.Duration;
import java.util.List;

/**
 * The routing decision of the user-space proxy: picks one endpoint per TCP connection (L4) or per
 * HTTP request (L7), and hears how each request went.
 *
 * <p>Implementations are called concurrently from many virtual threads and must be thread-safe. The
 * proxy only offers endpoints that are ready (healthy, not ejected, not draining) and not already
 * tried for the same request, so a chooser never has to filter.
 */
public interface EndpointChooser {

  /**
   * Chooses one of {@code candidates}.
   *
   * @param candidates non-empty, in a stable order
   * @return one element of {@code candidates}
   */
  Endpoint choose(List<Endpoint> candidates);

  /** A request (or connection) is about to be sent to {@code endpoint}. */
  default void requestStarted(Endpoint endpoint) {}

  /**
   * A request started with {@link #requestStarted} is finished.
   *
   * @param latency time from sending the request to receiving the response head (L7), or the time
   *     to connect (L4)
   * @param success false when the endpoint failed (connection error, timeout, 5xx)
   */
  default void requestFinished(Endpoint endpoint, Duration latency, boolean success) {}
}
