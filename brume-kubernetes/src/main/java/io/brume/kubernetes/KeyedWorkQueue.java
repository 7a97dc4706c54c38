package io.brume.kubernetes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A work queue with client-go's guarantees: a key enqueued many times while waiting is handled
 * once; a key is never handled by two workers at once; a key enqueued while being handled is
 * handled again afterwards (so the last change is never lost). Informer handlers only call {@link
 * #enqueue}, which never blocks on the handler.
 *
 * @param <K> the key type (e.g. {@link ServiceKey})
 */
public final class KeyedWorkQueue<K> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeyedWorkQueue.class);

  private final Consumer<K> handler;
  private final LinkedHashSet<K> waiting = new LinkedHashSet<>();
  private final Set<K> running = new HashSet<>();
  private final Set<K> dirtyWhileRunning = new HashSet<>();
  private final List<Thread> workers = new ArrayList<>();
  private boolean closed;

  /** Starts {@code workerCount} virtual worker threads running {@code handler}. */
  public KeyedWorkQueue(String name, int workerCount, Consumer<K> handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
    if (workerCount < 1) {
      throw new IllegalArgumentException("workerCount must be >= 1, got " + workerCount);
    }
    for (int i = 0; i < workerCount; i++) {
      workers.add(Thread.ofVirtual().name(name + "-" + i).start(this::work));
    }
  }

  /** Schedules {@code key}; cheap and non-blocking, safe from informer callbacks. */
  public synchronized void enqueue(K key) {
    if (closed) {
      return;
    }
    if (running.contains(key)) {
      dirtyWhileRunning.add(key);
    } else if (waiting.add(key)) {
      notifyAll();
    }
  }

  private synchronized @Nullable K take() throws InterruptedException {
    while (!closed && waiting.isEmpty()) {
      wait();
    }
    if (closed) {
      return null;
    }
    K key = waiting.removeFirst();
    running.add(key);
    return key;
  }

  private synchronized void done(K key) {
    running.remove(key);
    if (dirtyWhileRunning.remove(key) && !closed) {
      waiting.add(key);
      notifyAll();
    }
  }

  private void work() {
    try {
      K key;
      while ((key = take()) != null) {
        try {
          handler.accept(key);
        } catch (RuntimeException e) {
          // The periodic resync enqueues every key again, which is the retry.
          LOG.warn("reconcile of {} failed, retrying at next resync: {}", key, e.toString());
        } finally {
          done(key);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops taking keys and waits for running handlers to finish. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      waiting.clear();
      notifyAll();
    }
    try {
      for (Thread worker : workers) {
        worker.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
