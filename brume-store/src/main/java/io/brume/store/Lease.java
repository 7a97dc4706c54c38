package io.brume.store;

import java.io.IOException;

/**
 * Proof that the holder is working in the store: while any lease is open, gc waits, so content
 * committed but not yet referenced by an image record is not swept. Close it when done.
 */
public final class Lease implements AutoCloseable {
  /** What closing a lease does. */
  @FunctionalInterface
  interface Release {
    void run() throws IOException;
  }

  private final Release release;
  private boolean closed;

  Lease(Release release) {
    this.release = release;
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      release.run();
    }
  }
}
