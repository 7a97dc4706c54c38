package io.brume.snapshotter;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Gives back the memory a pull grew once the daemon is idle again. A pull fills the heap up to its
 * maximum (layer buffers, decompression), and the serial collector keeps that heap committed, and
 * so resident, until a full collection shrinks it (issue 10: an idle snapshotter ≤ 64 MB). So a
 * short while after the last pull, when no other pull has started, one full collection runs: with
 * the launcher's {@code -XX:MaxHeapFreeRatio}, {@code -XX:-ShrinkHeapInSteps} it uncommits the free
 * heap at once; the JVM's native heap trimming returns the freed malloc memory.
 *
 * <p>Deterministic: the caller supplies when a check runs later ({@code later}), whether a pull is
 * running ({@code busy}) and the collection itself.
 */
final class IdleMemory {
  private final Consumer<Runnable> later;
  private final BooleanSupplier busy;
  private final Runnable collect;
  private final AtomicLong pulls = new AtomicLong();

  IdleMemory(Consumer<Runnable> later, BooleanSupplier busy, Runnable collect) {
    this.later = later;
    this.busy = busy;
    this.collect = collect;
  }

  /**
   * The daemon's: a full collection ({@link System#gc()}) {@code quiet} after the last pull, on a
   * virtual thread.
   */
  static IdleMemory afterPulls(Duration quiet, BooleanSupplier busy) {
    return new IdleMemory(
        check ->
            Thread.ofVirtual()
                .name("brume-idle-memory")
                .start(
                    () -> {
                      try {
                        Thread.sleep(quiet);
                        check.run();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }),
        busy,
        System::gc);
  }

  /** A pull ended (done or failed): collect later unless another pull starts or is running. */
  void pullEnded() {
    long ended = pulls.incrementAndGet();
    later.accept(
        () -> {
          // a newer pull's end schedules its own check; a running pull ends with one too
          if (pulls.get() == ended && !busy.getAsBoolean()) {
            collect.run();
          }
        });
  }
}
