package io.brume.store;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code syncfs(2)}: flushes every dirty page of one file system in a single call. A layer tree
 * holds thousands of files; an {@code fsync} per file costs a journal commit each (seconds per
 * layer on small nodes), while one {@code syncfs} after the whole tree is written costs about what
 * writing the data back costs anyway. Linux-only; elsewhere callers fall back to per-file fsync.
 */
final class FileSystemSync {
  private static final int O_RDONLY = 0;
  private static final int O_DIRECTORY = 0200000;
  private static final Optional<Calls> CALLS = Calls.link();

  private FileSystemSync() {}

  private record Calls(MethodHandle open, MethodHandle syncfs, MethodHandle close) {
    @SuppressWarnings("restricted") // native access is enabled by the launcher and the tests
    static Optional<Calls> link() {
      try {
        Linker linker = Linker.nativeLinker();
        var lookup = linker.defaultLookup();
        Optional<MemorySegment> open = lookup.find("open");
        Optional<MemorySegment> syncfs = lookup.find("syncfs");
        Optional<MemorySegment> close = lookup.find("close");
        if (open.isEmpty() || syncfs.isEmpty() || close.isEmpty()) {
          return Optional.empty();
        }
        return Optional.of(
            new Calls(
                linker.downcallHandle(
                    open.get(),
                    FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT)),
                linker.downcallHandle(
                    syncfs.get(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)),
                linker.downcallHandle(
                    close.get(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT))));
      } catch (RuntimeException | LinkageError e) {
        return Optional.empty(); // no native access: the per-file fallback still works
      }
    }
  }

  /** Syncs the file system holding {@code directory}; false when syncfs is unavailable. */
  static boolean syncFileSystemOf(Path directory) throws IOException {
    if (CALLS.isEmpty()) {
      return false;
    }
    Calls calls = CALLS.get();
    try (Arena arena = Arena.ofConfined()) {
      int fd =
          (int)
              calls
                  .open()
                  .invokeExact(arena.allocateFrom(directory.toString()), O_RDONLY | O_DIRECTORY);
      if (fd < 0) {
        return false;
      }
      try {
        int result = (int) calls.syncfs().invokeExact(fd);
        if (result != 0) {
          throw new IOException("syncfs failed for the file system of " + directory);
        }
        return true;
      } finally {
        int ignored = (int) calls.close().invokeExact(fd);
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("syncfs of " + directory + " failed: " + e, e);
    }
  }
}
