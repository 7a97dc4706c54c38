package io.brume.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Aborts blob bodies that stop delivering data. {@code java.net.http} bounds the wait for response
 * headers but not for body bytes, so a silent connection would block a pull forever; the watchdog
 * closes such a stream, and its reader gets a {@link SocketTimeoutException} it can resume from.
 */
public final class StallWatchdog implements AutoCloseable {

  private final Duration timeout;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          runnable ->
              Thread.ofPlatform().daemon().name("brume-stall-watchdog").unstarted(runnable));

  /** A watchdog aborting bodies silent for {@code timeout}; owns one daemon thread. */
  public StallWatchdog(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("stall timeout must be positive, got " + timeout);
    }
    this.timeout = timeout;
  }

  /**
   * Wraps {@code in} so that it is closed after {@code timeout} without any byte; names {@code
   * what}.
   */
  public InputStream guard(InputStream in, String what) {
    return new Guarded(in, what);
  }

  private final class Guarded extends FilterInputStream {
    private final String what;
    private final ScheduledFuture<?> check;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;

    Guarded(InputStream in, String what) {
      super(in);
      this.what = what;
      long period = Math.max(1, timeout.toMillis() / 4);
      this.check =
          scheduler.scheduleAtFixedRate(this::checkProgress, period, period, TimeUnit.MILLISECONDS);
    }

    private void checkProgress() {
      if (System.nanoTime() - lastProgress > timeout.toNanos()) {
        stalled = true;
        check.cancel(false);
        try {
          in.close();
        } catch (IOException ignored) {
          // The reader learns about the stall from its next read.
        }
      }
    }

    @Override
    public int read() throws IOException {
      try {
        int b = in.read();
        lastProgress = System.nanoTime();
        return b;
      } catch (IOException e) {
        throw stalled ? stallFailure(e) : e;
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      try {
        int n = in.read(buffer, offset, length);
        lastProgress = System.nanoTime();
        return n;
      } catch (IOException e) {
        throw stalled ? stallFailure(e) : e;
      }
    }

    private IOException stallFailure(IOException cause) {
      SocketTimeoutException timedOut =
          new SocketTimeoutException(what + ": no data received for " + timeout.toMillis() + " ms");
      timedOut.initCause(cause);
      return timedOut;
    }

    @Override
    public void close() throws IOException {
      check.cancel(false);
      super.close();
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
