package io.brume.router;

/** Thrown when a routing decision is asked for a service that has no ready endpoint. */
public final class NoReadyEndpointsException extends IllegalStateException {

  /** Creates the exception; {@code detail} says which view was empty and why. */
  public NoReadyEndpointsException(String detail) {
    super("no ready endpoint to route to: " + detail);
  }
}
