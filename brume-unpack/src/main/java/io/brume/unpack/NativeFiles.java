package io.brume.unpack;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.attribute.FileTime;

/**
 * The system calls that create a regular file the way GNU tar does: {@code open(O_EXCL |
 * O_NOFOLLOW)}, {@code write}, then ownership, mode and times on the open descriptor ({@code
 * fchown}, {@code fchmod}, {@code futimens}) and {@code close}: six calls per small file, where the
 * {@code java.nio.file} route costs a dozen (path lookups for each attribute, fstat, lseek).
 *
 * <p>One instance per thread: it owns native scratch memory (errno capture, the path string, the
 * times) that is reused for every call instead of an arena per call.
 */
final class NativeFiles {
  static final int EEXIST = 17;

  private static final int O_WRONLY = 01;
  private static final int O_CREAT = 0100;
  private static final int O_EXCL = 0200;
  private static final int O_NOFOLLOW = 0400000;
  private static final int O_CLOEXEC = 02000000;
  private static final int PATH_CAPACITY = 8192;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private static final MethodHandle OPEN =
      bind("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), true);
  private static final MethodHandle WRITE =
      bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), false);
  private static final MethodHandle FCHOWN =
      bind("fchown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), false);
  private static final MethodHandle FCHMOD =
      bind("fchmod", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), false);
  private static final MethodHandle FUTIMENS =
      bind("futimens", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), false);
  private static final MethodHandle CLOSE =
      bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), false);
  private static final MethodHandle MKDIR =
      bind("mkdir", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), false);

  // Automatic: a writer that dies with an exception must not leak its scratch memory.
  private final Arena arena = Arena.ofAuto();
  private final MemorySegment state = arena.allocate(CALL_STATE);
  private final MemorySegment path = arena.allocate(PATH_CAPACITY);
  private final MemorySegment times = arena.allocate(JAVA_LONG, 4);

  @SuppressWarnings("restricted")
  private static MethodHandle bind(String name, FunctionDescriptor descriptor, boolean variadic) {
    var symbol =
        LINKER
            .defaultLookup()
            .find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    Linker.Option errno = Linker.Option.captureCallState("errno");
    return variadic
        ? LINKER.downcallHandle(symbol, descriptor, errno, Linker.Option.firstVariadicArg(2))
        : LINKER.downcallHandle(symbol, descriptor, errno);
  }

  /**
   * Creates a new regular file with permissions 0600, never following a symlink at {@code file}.
   *
   * @return the descriptor, or -1 if something already exists there (EEXIST)
   */
  int createExclusive(String file) throws IOException {
    try {
      int fd =
          (int)
              OPEN.invokeExact(
                  state, cString(file), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0 && errno() == EEXIST) {
        return -1;
      }
      check(fd, "open", file);
      return fd;
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Creates a directory with {@code mode} (less the umask).
   *
   * @return false if something already exists there (EEXIST)
   */
  boolean mkdir(String directory, int mode) throws IOException {
    try {
      int rc = (int) MKDIR.invokeExact(state, cString(directory), mode);
      if (rc < 0 && errno() == EEXIST) {
        return false;
      }
      check(rc, "mkdir", directory);
      return true;
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes all of {@code bytes} (a native segment) to {@code fd}. */
  void writeFully(int fd, MemorySegment bytes, String file) throws IOException {
    long offset = 0;
    long size = bytes.byteSize();
    try {
      while (offset < size) {
        long written = (long) WRITE.invokeExact(state, fd, bytes.asSlice(offset), size - offset);
        if (written < 0 && errno() == 4) {
          continue; // EINTR
        }
        check(written, "write", file);
        offset += written;
      }
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sets owner, permission bits and times on an open file, in that order (chown clears setuid). */
  void finishFile(int fd, Entry entry, boolean chown, String file) throws IOException {
    try {
      if (chown) {
        check(
            (int) FCHOWN.invokeExact(state, fd, (int) entry.uid(), (int) entry.gid()),
            "fchown",
            file);
      }
      check((int) FCHMOD.invokeExact(state, fd, entry.mode() & 07777), "fchmod", file);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sets access and modification times of an open file. */
  void setTimes(int fd, FileTime accessed, FileTime modified, String file) throws IOException {
    writeTimespec(0, accessed);
    writeTimespec(2, modified);
    try {
      check((int) FUTIMENS.invokeExact(state, fd, times), "futimens", file);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Closes a descriptor; a failure (delayed write error) is reported. */
  void close(int fd, String file) throws IOException {
    try {
      check((int) CLOSE.invokeExact(state, fd), "close", file);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Closes a descriptor on an error path, where the first failure is the one to report. */
  void closeQuietly(int fd) {
    try {
      int rc = (int) CLOSE.invokeExact(state, fd);
      assert rc == 0 || rc == -1;
    } catch (Throwable e) {
      // the original failure is what matters
    }
  }

  private void writeTimespec(int index, FileTime time) {
    var instant = time.toInstant();
    times.setAtIndex(JAVA_LONG, index, instant.getEpochSecond());
    times.setAtIndex(JAVA_LONG, index + 1, instant.getNano());
  }

  private MemorySegment cString(String file) throws FileSystemException {
    byte[] bytes = file.getBytes(StandardCharsets.UTF_8);
    if (bytes.length >= PATH_CAPACITY) {
      throw new FileSystemException(file, null, "path longer than " + PATH_CAPACITY + " bytes");
    }
    MemorySegment.copy(bytes, 0, path, JAVA_BYTE, 0, bytes.length);
    path.set(JAVA_BYTE, bytes.length, (byte) 0);
    return path;
  }

  private int errno() {
    return (int) ERRNO.get(state, 0L);
  }

  private void check(long rc, String call, String file) throws Posix.PosixException {
    if (rc < 0) {
      throw new Posix.PosixException(file, call, errno());
    }
  }
}
