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
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The few POSIX calls the JDK does not offer: device nodes, fifos, ownership and times of symlinks,
 * and extended attributes outside the {@code user.} namespace. Bound once through the FFM API
 * (glibc).
 *
 * <p>Every call works on the path itself and never follows a final symlink, except {@link #mknod}
 * and {@link #mkfifo}, which create the final component and fail if anything exists there.
 */
final class Posix {
  static final int ENOENT = 2;
  static final int EPERM = 1;
  static final int ENODATA = 61;
  static final int ENOTSUP = 95;
  static final int ERANGE = 34;

  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final long UTIME_OMIT = (1L << 30) - 2;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private static final MethodHandle GETEUID = bind("geteuid", FunctionDescriptor.of(JAVA_INT));
  private static final MethodHandle GETEGID = bind("getegid", FunctionDescriptor.of(JAVA_INT));
  private static final MethodHandle MKNOD =
      bind("mknod", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
  private static final MethodHandle LCHOWN =
      bind("lchown", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  private static final MethodHandle UTIMENSAT =
      bind("utimensat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
  private static final MethodHandle LSETXATTR =
      bind(
          "lsetxattr",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle LGETXATTR =
      bind("lgetxattr", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
  private static final MethodHandle LLISTXATTR =
      bind("llistxattr", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
  private static final MethodHandle LREMOVEXATTR =
      bind("lremovexattr", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

  private Posix() {}

  @SuppressWarnings("restricted")
  private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
    var symbol =
        LINKER
            .defaultLookup()
            .find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    return LINKER.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno"));
  }

  /** Whether this process has an effective uid of 0 (ownership and device nodes need it). */
  static boolean isRoot() {
    return geteuid() == 0;
  }

  /** The effective user id: the owner of the files this process creates. */
  static int geteuid() {
    try (Arena arena = Arena.ofConfined()) {
      return (int) GETEUID.invokeExact(arena.allocate(CALL_STATE));
    } catch (Throwable e) {
      throw new IllegalStateException("geteuid failed", e);
    }
  }

  /** The effective group id: the group of the files this process creates (no setgid parent). */
  static int getegid() {
    try (Arena arena = Arena.ofConfined()) {
      return (int) GETEGID.invokeExact(arena.allocate(CALL_STATE));
    } catch (Throwable e) {
      throw new IllegalStateException("getegid failed", e);
    }
  }

  /** Creates a character or block device node ({@code typeBits} is S_IFCHR or S_IFBLK). */
  static void mknod(Path path, int typeBits, int permissions, long major, long minor)
      throws IOException {
    long dev =
        ((major & 0xfffff000L) << 32)
            | ((major & 0xfffL) << 8)
            | ((minor & 0xffffff00L) << 12)
            | (minor & 0xffL);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int rc =
          (int) MKNOD.invokeExact(state, cString(arena, path), typeBits | permissions & 07777, dev);
      check(rc, state, "mknod", path);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Creates a fifo. */
  static void mkfifo(Path path, int permissions) throws IOException {
    mknodPlain(path, 0010000 | permissions & 07777);
  }

  private static void mknodPlain(Path path, int mode) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int rc = (int) MKNOD.invokeExact(state, cString(arena, path), mode, 0L);
      check(rc, state, "mknod", path);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Changes the owner of the path itself (a symlink keeps its target's owner untouched). */
  static void lchown(Path path, long uid, long gid) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int rc = (int) LCHOWN.invokeExact(state, cString(arena, path), (int) uid, (int) gid);
      check(rc, state, "lchown", path);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sets access and modification times of the path itself, symlinks included; null = leave. */
  static void lutimes(Path path, @Nullable FileTime access, @Nullable FileTime modified)
      throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment times = arena.allocate(JAVA_LONG, 4);
      writeTimespec(times, 0, access);
      writeTimespec(times, 2, modified);
      int rc =
          (int)
              UTIMENSAT.invokeExact(
                  state, AT_FDCWD, cString(arena, path), times, AT_SYMLINK_NOFOLLOW);
      check(rc, state, "utimensat", path);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeTimespec(MemorySegment times, int index, @Nullable FileTime time) {
    if (time == null) {
      times.setAtIndex(JAVA_LONG, index, 0);
      times.setAtIndex(JAVA_LONG, index + 1, UTIME_OMIT);
      return;
    }
    var instant = time.toInstant();
    times.setAtIndex(JAVA_LONG, index, instant.getEpochSecond());
    times.setAtIndex(JAVA_LONG, index + 1, instant.getNano());
  }

  /** Sets one extended attribute on the path itself. */
  static void lsetxattr(Path path, String name, byte[] value) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment data = arena.allocate(Math.max(1, value.length));
      MemorySegment.copy(value, 0, data, JAVA_BYTE, 0, value.length);
      int rc =
          (int)
              LSETXATTR.invokeExact(
                  state,
                  cString(arena, path),
                  arena.allocateFrom(name),
                  data,
                  (long) value.length,
                  0);
      check(rc, state, "lsetxattr " + name, path);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads one extended attribute of the path itself. */
  static byte[] lgetxattr(Path path, String name) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment file = cString(arena, path);
      MemorySegment attr = arena.allocateFrom(name);
      long size = (long) LGETXATTR.invokeExact(state, file, attr, MemorySegment.NULL, 0L);
      check(size, state, "lgetxattr " + name, path);
      MemorySegment buffer = arena.allocate(Math.max(1, size));
      long read = (long) LGETXATTR.invokeExact(state, file, attr, buffer, size);
      check(read, state, "lgetxattr " + name, path);
      return buffer.asSlice(0, read).toArray(JAVA_BYTE);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lists the extended attribute names of the path itself. */
  static List<String> llistxattr(Path path) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment file = cString(arena, path);
      long size = (long) LLISTXATTR.invokeExact(state, file, MemorySegment.NULL, 0L);
      check(size, state, "llistxattr", path);
      List<String> names = new ArrayList<>();
      if (size == 0) {
        return names;
      }
      MemorySegment buffer = arena.allocate(size);
      long read = (long) LLISTXATTR.invokeExact(state, file, buffer, size);
      check(read, state, "llistxattr", path);
      long start = 0;
      for (long i = 0; i < read; i++) {
        if (buffer.get(JAVA_BYTE, i) == 0) {
          names.add(buffer.getString(start));
          start = i + 1;
        }
      }
      return names;
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Removes one extended attribute of the path itself. */
  static void lremovexattr(Path path, String name) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int rc =
          (int) LREMOVEXATTR.invokeExact(state, cString(arena, path), arena.allocateFrom(name));
      check(rc, state, "lremovexattr " + name, path);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static MemorySegment cString(Arena arena, Path path) {
    return arena.allocateFrom(path.toString());
  }

  private static void check(long rc, MemorySegment state, String call, Path path)
      throws PosixException {
    if (rc < 0) {
      int errno = (int) ERRNO.get(state, 0L);
      throw new PosixException(path, call, errno);
    }
  }

  /** A failed system call, keeping errno so that callers can tolerate ENOTSUP or EPERM. */
  static final class PosixException extends FileSystemException {
    private final int errno;

    PosixException(Path path, String call, int errno) {
      this(path.toString(), call, errno);
    }

    PosixException(String path, String call, int errno) {
      super(path, null, call + " failed: errno " + errno + " (" + describe(errno) + ")");
      this.errno = errno;
    }

    int errno() {
      return errno;
    }

    /** The C library's wording (strerror), which is also what the JDK's own exceptions say. */
    private static String describe(int errno) {
      return switch (errno) {
        case EPERM -> "Operation not permitted";
        case ENOENT -> "No such file or directory";
        case 13 -> "Permission denied";
        case 17 -> "File exists";
        case 20 -> "Not a directory";
        case 28 -> "No space left on device";
        case ERANGE -> "Numerical result out of range";
        case 36 -> "File name too long";
        case ENODATA -> "No data available";
        case ENOTSUP -> "Operation not supported";
        case 122 -> "Disk quota exceeded";
        default -> "see errno(3)";
      };
    }
  }
}
