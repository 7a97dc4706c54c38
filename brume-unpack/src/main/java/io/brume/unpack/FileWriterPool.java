package io.brume.unpack;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes small regular files on a few threads while the tar stream goes on being read: creating a
 * file, writing it and setting its owner, mode and times is a handful of system calls whose latency
 * (inode allocation, journal) dominates a layer of thousands of small files, and those calls for
 * different files do not depend on each other.
 *
 * <p>The reading thread keeps everything that orders entries: it resolves and creates parents,
 * creates directories, links and special files itself, and only hands over a file whose path is
 * known to be free (nothing was created there in this extraction). It reads the content into native
 * chunks from a bounded pool ({@link #MAX_IN_FLIGHT} bytes), so memory stays bounded whatever the
 * layer; larger files are written by the reader itself. Anything that must see a handed-over file
 * first waits for it ({@link #awaitPath}) or for all of them ({@link #drain}).
 *
 * <p>A writer's failure is kept and rethrown, naming the entry, by the next call of the reading
 * thread; queued files are then dropped.
 */
final class FileWriterPool implements AutoCloseable {
  /** Files up to this size are handed over; larger ones are streamed by the reader. */
  static final long MAX_HANDOFF_SIZE = 1 << 20;

  /** Bound on the content bytes held for handed-over files that are not written yet. */
  static final long MAX_IN_FLIGHT = 8 << 20;

  private static final int CHUNK = 64 * 1024;
  private static final int MAX_CHUNKS = (int) (MAX_IN_FLIGHT / CHUNK);

  // A sentinel that only stops the writer threads: its entry is never read.
  @SuppressWarnings("NullAway")
  private static final Task STOP = new Task("", "", null, new MemorySegment[0], 0, false);

  private final Arena arena = Arena.ofShared();
  private final BlockingQueue<MemorySegment> freeChunks = new LinkedBlockingQueue<>();
  private final BlockingQueue<Task> queue = new ArrayBlockingQueue<>(4096);
  private final ConcurrentHashMap<String, Task> pending = new ConcurrentHashMap<>();
  private final AtomicReference<IOException> failure = new AtomicReference<>();
  private final List<Thread> threads = new ArrayList<>();
  private final byte[] readBuffer = new byte[CHUNK];
  private volatile boolean aborted;
  private int allocatedChunks;
  private boolean closed;

  /** A file to create: its absolute and root-relative path, its header and its content. */
  private record Task(
      String file,
      String relative,
      Entry entry,
      MemorySegment[] chunks,
      long size,
      boolean chown,
      CountDownLatch done) {
    Task(
        String file,
        String relative,
        Entry entry,
        MemorySegment[] chunks,
        long size,
        boolean chown) {
      this(file, relative, entry, chunks, size, chown, new CountDownLatch(1));
    }
  }

  FileWriterPool(int threadCount) {
    if (threadCount < 1) {
      throw new IllegalArgumentException("at least one writer thread: " + threadCount);
    }
    for (int i = 0; i < threadCount; i++) {
      Thread thread =
          Thread.ofPlatform().daemon().name("brume-unpack-writer-" + i).start(this::run);
      threads.add(thread);
    }
  }

  /**
   * Reads a file's content from {@code content} (at most {@link #MAX_HANDOFF_SIZE} bytes, counted
   * against {@code budget}) and queues the file for a writer. The caller guarantees that nothing
   * exists at {@code file} and that the parent directory does.
   */
  void submit(
      String file,
      String relative,
      Entry entry,
      InputStream content,
      ExpansionBudget budget,
      boolean chown)
      throws IOException {
    rethrowFailure();
    List<MemorySegment> chunks = new ArrayList<>();
    long size = 0;
    try {
      MemorySegment chunk = null;
      int filled = CHUNK;
      int read;
      // Reads never cross a chunk boundary: each chunk is filled completely before the next.
      while ((read = content.read(readBuffer, 0, filled == CHUNK ? CHUNK : CHUNK - filled)) > 0) {
        budget.onWritten(read, entry.rawName());
        if (size + read > MAX_HANDOFF_SIZE) {
          throw new IOException(
              "layer entry \"" + entry.rawName() + "\": more content than its declared size");
        }
        if (filled == CHUNK) {
          chunk = takeChunk();
          chunks.add(chunk);
          filled = 0;
        }
        MemorySegment.copy(readBuffer, 0, chunk, ValueLayout.JAVA_BYTE, filled, read);
        filled += read;
        size += read;
      }
    } catch (IOException | RuntimeException e) {
      freeChunks.addAll(chunks);
      throw e;
    }
    Task task = new Task(file, relative, entry, chunks.toArray(new MemorySegment[0]), size, chown);
    pending.put(relative, task);
    put(task);
  }

  /** Waits until a handed-over file at {@code relative}, if any, is completely written. */
  void awaitPath(String relative) throws IOException {
    Task task = pending.get(relative);
    if (task != null) {
      await(task);
    }
    rethrowFailure();
  }

  /** Waits until every handed-over file is written; rethrows the first writer failure. */
  void drain() throws IOException {
    for (Task task : pending.values()) {
      await(task);
    }
    rethrowFailure();
  }

  /** Throws the first writer failure, if there was one. */
  void rethrowFailure() throws IOException {
    IOException e = failure.get();
    if (e != null) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * Stops the writers after the files already queued (or, after a failure, dropping them) and frees
   * the chunks. Never returns while a writer could still be writing into the root.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (failure.get() != null) {
      aborted = true;
    }
    boolean interrupted = false;
    for (int i = 0; i < threads.size(); i++) {
      while (true) {
        try {
          queue.put(STOP);
          break;
        } catch (InterruptedException e) {
          interrupted = true;
          aborted = true;
        }
      }
    }
    for (Thread thread : threads) {
      while (true) {
        try {
          thread.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
          aborted = true;
        }
      }
    }
    arena.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Drops the queued files instead of writing them: the extraction failed anyway. */
  void abort() {
    aborted = true;
  }

  private MemorySegment takeChunk() throws IOException {
    MemorySegment chunk = freeChunks.poll();
    if (chunk != null) {
      return chunk;
    }
    if (allocatedChunks < MAX_CHUNKS) {
      allocatedChunks++;
      return arena.allocate(CHUNK, 4096);
    }
    try {
      while ((chunk = freeChunks.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS)) == null) {
        rethrowFailure();
      }
      return chunk;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      aborted = true;
      throw new InterruptedIOException("interrupted while waiting for a write buffer");
    }
  }

  private void put(Task task) throws IOException {
    try {
      queue.put(task);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      aborted = true;
      pending.remove(task.relative(), task);
      freeChunks.addAll(List.of(task.chunks()));
      throw new InterruptedIOException("interrupted while queueing " + task.entry().rawName());
    }
  }

  private void await(Task task) throws IOException {
    try {
      task.done().await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      aborted = true;
      throw new InterruptedIOException("interrupted while waiting for " + task.entry().rawName());
    }
  }

  private void run() {
    NativeFiles io = new NativeFiles();
    while (true) {
      Task task;
      try {
        task = queue.take();
      } catch (InterruptedException e) {
        // Only close() stops a writer, so that no write can outlive the extraction.
        continue;
      }
      if (task == STOP) {
        return;
      }
      try {
        if (!aborted) {
          write(io, task);
        }
      } catch (Throwable e) {
        // Errors too (OutOfMemoryError): a file silently missing would be worse than a failure.
        aborted = true;
        failure.compareAndSet(
            null,
            new IOException(
                "layer entry \"" + task.entry().rawName() + "\": " + e.getMessage(), e));
      } finally {
        freeChunks.addAll(List.of(task.chunks()));
        pending.remove(task.relative(), task);
        task.done().countDown();
      }
    }
  }

  private static void write(NativeFiles io, Task task) throws IOException {
    int fd = io.createExclusive(task.file());
    if (fd < 0) {
      // The reader only hands over free paths; something else is writing into the root.
      throw new IOException("file appeared while extracting: " + task.file());
    }
    try {
      long left = task.size();
      for (MemorySegment chunk : task.chunks()) {
        long length = Math.min(left, chunk.byteSize());
        io.writeFully(fd, chunk.asSlice(0, length), task.file());
        left -= length;
      }
      io.finishFile(fd, task.entry(), task.chown(), task.file());
      io.setTimes(fd, task.entry().accessed(), task.entry().modified(), task.file());
    } catch (IOException | RuntimeException e) {
      io.closeQuietly(fd);
      throw e;
    }
    io.close(fd, task.file());
  }
}
