package io.brume.proxy;

import java.io.IOException;

/**
 * Reading from or writing to the downstream client failed. It is not the upstream's fault: the
 * proxy closes the client connection and does not count it against the endpoint.
 */
final class ClientGoneException extends IOException {
  private static final long serialVersionUID = 1L;

  ClientGoneException(IOException cause) {
    super("client connection failed: " + cause.getMessage(), cause);
  }
}
