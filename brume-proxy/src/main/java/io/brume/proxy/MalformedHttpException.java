package io.brume.proxy;

import java.io.IOException;

/**
 * A peer sent bytes that are not valid HTTP/1.1. From a client it becomes a 4xx/5xx response
 * ({@link #status()}); from an upstream it is a failure of that endpoint (502).
 */
final class MalformedHttpException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final boolean fromClient;

  MalformedHttpException(int status, boolean fromClient, String message) {
    super((fromClient ? "client" : "upstream") + " sent malformed HTTP: " + message);
    this.status = status;
    this.fromClient = fromClient;
  }

  /** The response status to send to the client, e.g. 400, 414, 431, 501, 505. */
  int status() {
    return status;
  }

  boolean fromClient() {
    return fromClient;
  }
}
