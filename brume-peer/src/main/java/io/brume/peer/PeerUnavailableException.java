package io.brume.peer;

import java.io.IOException;

/**
 * A peer could not (or can no longer) deliver a blob: gone, full, too slow, or an unexpected
 * answer. The fetch moves on to the next peer or the registry, resuming at the bytes it has.
 */
public class PeerUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  private final boolean busy;

  public PeerUnavailableException(String message) {
    this(message, false);
  }

  /**
   * @param busy the peer is alive but busy now (serving its maximum of uploads, or slow to answer
   *     under load): worth asking again for the same blob later, unlike a peer that is gone
   */
  PeerUnavailableException(String message, boolean busy) {
    super(message);
    this.busy = busy;
  }

  public PeerUnavailableException(String message, Throwable cause) {
    super(message, cause);
    this.busy = false;
  }

  /** Whether the peer is only busy for now (full, or slow to answer), not gone. */
  public boolean busy() {
    return busy;
  }
}
