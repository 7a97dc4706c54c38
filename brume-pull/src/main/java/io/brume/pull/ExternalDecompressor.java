package io.brume.pull;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Inflates through an external process such as ISA-L's {@code igzip -d -c} (about twice as fast as
 * zlib here) or {@code unpigz -d -c}, as containerd and moby do. A virtual thread pumps the
 * compressed bytes into the process while the caller reads its output, so inflating runs on a core
 * of its own, in parallel with the download and with the tar extraction.
 *
 * <p>Errors are never lost: a failure of the pump (for example the network source failing) or a
 * non-zero exit of the process (corrupt data) surfaces as an {@link IOException} from {@code read}
 * at the latest when the output ends.
 */
final class ExternalDecompressor implements Decompressor {
  // ISA-L is slow with small pipe writes (isa-l#255); 1 MiB chunks keep it at full speed.
  private static final int PUMP_CHUNK = 1 << 20;

  private final String name;
  private final List<String> command;

  ExternalDecompressor(String name, List<String> command) {
    this.name = name;
    this.command = List.copyOf(command);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public InputStream decompress(InputStream compressed) throws IOException {
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
    AtomicReference<Throwable> pumpFailure = new AtomicReference<>();
    Thread pump =
        Thread.ofVirtual()
            .name(name + "-pump")
            .start(
                () -> {
                  try (InputStream in = compressed;
                      OutputStream toProcess = process.getOutputStream()) {
                    byte[] chunk = new byte[PUMP_CHUNK];
                    int n;
                    while ((n = in.readNBytes(chunk, 0, chunk.length)) > 0) {
                      toProcess.write(chunk, 0, n);
                    }
                  } catch (IOException | RuntimeException e) {
                    // Closing stdin (above) ends the process with a truncated-input error; the
                    // reader reports this cause instead, which says what really went wrong.
                    pumpFailure.set(e);
                  }
                });
    return new ProcessOutput(process, pump, pumpFailure);
  }

  /** The process's standard output, checked for pump failures and the exit status at its end. */
  private final class ProcessOutput extends FilterInputStream {
    private final Process process;
    private final Thread pump;
    private final AtomicReference<Throwable> pumpFailure;
    private boolean finished;

    ProcessOutput(Process process, Thread pump, AtomicReference<Throwable> pumpFailure) {
      super(process.getInputStream());
      this.process = process;
      this.pump = pump;
      this.pumpFailure = pumpFailure;
    }

    @Override
    public int read() throws IOException {
      int b;
      try {
        b = super.read();
      } catch (IOException e) {
        throw pumpFailureOr(e);
      }
      if (b < 0) {
        finish();
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n;
      try {
        n = super.read(buffer, offset, length);
      } catch (IOException e) {
        throw pumpFailureOr(e);
      }
      if (n < 0) {
        finish();
      }
      return n;
    }

    /** A read failed: if the pump failed first, that is the real cause. */
    private IOException pumpFailureOr(IOException readFailure) {
      Throwable failure = pumpFailure.get();
      return failure == null
          ? readFailure
          : new IOException(
              "reading the compressed layer failed: " + failure.getMessage(), failure);
    }

    /** At the end of the output: the pump must have succeeded and the process exited with 0. */
    private void finish() throws IOException {
      if (finished) {
        return;
      }
      finished = true;
      try {
        pump.join();
        int exit = process.waitFor();
        Throwable failure = pumpFailure.get();
        if (failure != null) {
          throw new IOException(
              "reading the compressed layer failed: " + failure.getMessage(), failure);
        }
        if (exit != 0) {
          String stderr =
              new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
          throw new IOException(
              name + " failed with exit status " + exit + (stderr.isEmpty() ? "" : ": " + stderr));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + name, e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        if (process.isAlive()) {
          process.destroyForcibly();
          try {
            process.waitFor(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        pump.interrupt();
      }
    }
  }
}
