package io.brume.oci;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * SHA-256 computed by the system's libcrypto (OpenSSL 3, on every Debian system through systemd's
 * dependencies) over the FFM API. Why: a pull hashes every byte twice (the blob and its diff_id) in
 * a JVM that is seconds old, and the JDK's SHA-256 is fast only once C2 has compiled it with its
 * SHA-extension intrinsic; interpreted or under C1 — all of a short pull's first second, and all of
 * the snapshotter's life, which runs C1 only to stay small — it hashes ~150 MB/s where OpenSSL's
 * assembly does 1-2 GB/s from the first byte (docs/bench/startup.md). Not available (no libcrypto,
 * no native access, a result that fails the self-test): {@link #create()} is empty and callers use
 * the JDK's.
 */
final class NativeSha256 extends MessageDigest {
  private static final int DIGEST_LENGTH = 32;

  /** {@code sizeof(SHA256_CTX)} is 112 bytes on every ABI OpenSSL 3 supports; room to spare. */
  private static final long CONTEXT_SIZE = 256;

  /**
   * Linked only where native access is enabled for this module (the launcher, the image and the
   * tests enable it): elsewhere the first restricted call would print a JVM warning on the
   * embedding program's stderr, and the JDK's hasher is correct anyway.
   */
  private static final Optional<Calls> CALLS =
      "jdk".equals(System.getProperty("brume.sha256"))
              || !NativeSha256.class.getModule().isNativeAccessEnabled()
          ? Optional.empty()
          : Calls.link();

  private final Calls calls;
  private final MemorySegment context;

  private NativeSha256(Calls calls) {
    super("SHA-256");
    this.calls = calls;
    this.context = Arena.ofAuto().allocate(CONTEXT_SIZE, 16);
    engineReset();
  }

  /** A fresh hasher, or empty when libcrypto cannot be used here. */
  static Optional<MessageDigest> create() {
    return CALLS.map(NativeSha256::new);
  }

  @Override
  protected int engineGetDigestLength() {
    return DIGEST_LENGTH;
  }

  @Override
  protected void engineUpdate(byte input) {
    engineUpdate(new byte[] {input}, 0, 1);
  }

  @Override
  protected void engineUpdate(byte[] input, int offset, int length) {
    if (length == 0) {
      return;
    }
    MemorySegment data = MemorySegment.ofArray(input).asSlice(offset, length);
    call("SHA256_Update", () -> (int) calls.update().invokeExact(context, data, (long) length));
  }

  @Override
  protected byte[] engineDigest() {
    byte[] hash = new byte[DIGEST_LENGTH];
    call(
        "SHA256_Final",
        () -> (int) calls.digest().invokeExact(MemorySegment.ofArray(hash), context));
    engineReset(); // MessageDigest's contract: digest() leaves the hasher ready for new input
    return hash;
  }

  @Override
  protected void engineReset() {
    call("SHA256_Init", () -> (int) calls.init().invokeExact(context));
  }

  /** A downcall to one of libcrypto's SHA-256 functions, which return 1 on success. */
  @FunctionalInterface
  private interface Downcall {
    int invoke() throws Throwable;
  }

  private static void call(String function, Downcall downcall) {
    int ok;
    try {
      ok = downcall.invoke();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(function + " failed", e);
    }
    if (ok != 1) {
      throw new IllegalStateException(function + " returned " + ok);
    }
  }

  /**
   * libcrypto's one-shot-per-context SHA-256 functions. They are deprecated in OpenSSL 3 in favour
   * of EVP, but exported and run the same assembly, and their context is plain memory this class
   * owns (no native allocation to free). Critical downcalls: short, never call back into Java, and
   * may read and write Java arrays in place, so no copy of the data is made.
   */
  private record Calls(MethodHandle init, MethodHandle update, MethodHandle digest) {
    @SuppressWarnings("restricted") // native access is enabled by the launcher and the tests
    static Optional<Calls> link() {
      try {
        SymbolLookup crypto = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
        Linker linker = Linker.nativeLinker();
        Linker.Option critical = Linker.Option.critical(true);
        Calls calls =
            new Calls(
                linker.downcallHandle(
                    crypto.findOrThrow("SHA256_Init"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
                    critical),
                linker.downcallHandle(
                    crypto.findOrThrow("SHA256_Update"),
                    FunctionDescriptor.of(
                        ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG),
                    critical),
                linker.downcallHandle(
                    crypto.findOrThrow("SHA256_Final"),
                    FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
                    critical));
        return selfTest(calls) ? Optional.of(calls) : Optional.empty();
      } catch (RuntimeException | LinkageError e) {
        return Optional.empty(); // no libcrypto or no native access: the JDK's SHA-256
      }
    }

    /** FIPS 180-2's first example: a wrong binding must never produce digests. */
    private static boolean selfTest(Calls calls) {
      byte[] hash = new NativeSha256(calls).digest(new byte[] {'a', 'b', 'c'});
      return HexFormat.of()
          .formatHex(hash)
          .equals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
  }
}
