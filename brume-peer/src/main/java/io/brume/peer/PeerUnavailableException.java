package io.brume.peer;

import java.io.IOException;

/**
 * A peer could not (or can no longer) deliver a blob: gone, full, too slow, or an unexpected
 * answer. The fetch moves on to the next peer or the registry, resuming at the bytes it has.
 */
public class PeerUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  public PeerUnavailableException(String message) {
    super(message);
  }

  public PeerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
