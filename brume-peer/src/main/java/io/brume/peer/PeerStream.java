package io.brume.peer;

import io.brume.oci.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;

/**
 * An open blob body from one peer, starting at {@link #startOffset()}. Reading fails with a {@link
 * PeerUnavailableException} when the peer delivers less than the floor rate over a window (a slow
 * or overloaded peer is abandoned mid-layer); a silent peer is cut by the stall watchdog. Closing
 * reports the delivered throughput to the {@link PeerFetcher}, which ranks peers by it.
 */
public final class PeerStream implements AutoCloseable {
  private final PeerFetcher fetcher;
  private final PeerNode peer;
  private final Digest digest;
  private final long startOffset;
  private final LongSupplier nanoTime;
  private final long openedNanos;
  private final RateFloor body;
  private boolean closed;

  PeerStream(
      PeerFetcher fetcher,
      PeerNode peer,
      Digest digest,
      long startOffset,
      InputStream guarded,
      double minBytesPerSecond,
      long windowNanos,
      LongSupplier nanoTime) {
    this.fetcher = fetcher;
    this.peer = peer;
    this.digest = digest;
    this.startOffset = startOffset;
    this.nanoTime = nanoTime;
    this.openedNanos = nanoTime.getAsLong();
    this.body = new RateFloor(guarded, minBytesPerSecond, windowNanos);
  }

  /** The peer's name, e.g. for "where did the bytes come from". */
  public String peer() {
    return peer.name();
  }

  /** The blob offset of the body's first byte. */
  public long startOffset() {
    return startOffset;
  }

  /** The blob bytes from {@link #startOffset()}; unverified. */
  public InputStream body() {
    return body;
  }

  /** Bytes read so far. */
  public long bytesRead() {
    return body.total;
  }

  /**
   * Gives up on this peer for this blob (it failed, stalled or was too slow); the next {@link
   * PeerFetcher#open} skips it.
   */
  public void abandon(IOException why) {
    fetcher.abandoned(peer, digest, why);
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    fetcher.delivered(peer, body.total, nanoTime.getAsLong() - openedNanos);
    body.close();
  }

  /** Fails reads once a full window delivered less than the floor rate. */
  private final class RateFloor extends FilterInputStream {
    private final double minBytesPerSecond;
    private final long windowNanos;
    private long windowStart = nanoTime.getAsLong();
    private long windowBytes;
    private long total;

    RateFloor(InputStream in, double minBytesPerSecond, long windowNanos) {
      super(in);
      this.minBytesPerSecond = minBytesPerSecond;
      this.windowNanos = windowNanos;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        total += n;
        windowBytes += n;
        long now = nanoTime.getAsLong();
        long elapsed = now - windowStart;
        if (elapsed >= windowNanos) {
          double rate = windowBytes * 1e9 / elapsed;
          if (rate < minBytesPerSecond) {
            throw new PeerUnavailableException(
                String.format(
                    java.util.Locale.ROOT,
                    "peer %s is too slow: %.0f B/s, below the floor of %.0f B/s",
                    peer.name(),
                    rate,
                    minBytesPerSecond));
          }
          windowStart = now;
          windowBytes = 0;
        }
      }
      return n;
    }
  }
}
