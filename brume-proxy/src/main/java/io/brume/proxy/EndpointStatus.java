package io.brume.proxy;

/** Whether the proxy sends new requests to an endpoint. */
public enum EndpointStatus {
  /** Healthy: receives new requests. */
  READY,
  /**
   * Failed consecutive requests or a health check; receives nothing until a health check passes.
   */
  EJECTED,
  /** Removed from the service: finishes requests in flight, receives no new ones, then leaves. */
  DRAINING
}
