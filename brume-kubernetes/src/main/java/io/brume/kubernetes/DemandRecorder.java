package io.brume.kubernetes;

/**
 * Where the node's proxy reports the requests it forwards, one call per request; implementations
 * must be cheap and thread-safe, since it sits on the request path.
 */
@FunctionalInterface
public interface DemandRecorder {
  /** Counts one request to {@code service} seen on this node. */
  void recordRequest(ServiceKey service);
}
