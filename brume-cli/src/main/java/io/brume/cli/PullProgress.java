package io.brume.cli;

import io.brume.oci.Digest;
import io.brume.pull.PullEvent;
import io.brume.pull.PullListener;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Shows a pull's progress. On a terminal: one Docker-like line per layer (waiting, downloading x/y
 * MB, extracting, done), redrawn in place. Otherwise: plain, timestamped lines, one per state
 * change, so logs stay readable. Quiet: nothing.
 */
final class PullProgress implements PullListener {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  // Redrawing the terminal on every chunk would cost more than the download; 10 Hz is plenty.
  private static final long REDRAW_NANOS = 100_000_000L;

  enum Mode {
    TERMINAL,
    PLAIN,
    QUIET
  }

  private final PrintWriter out;
  private final Mode mode;
  private final Clock clock;
  private final Map<Digest, String> lines = new LinkedHashMap<>();
  private final List<PullEvent.Transferred> sources = new ArrayList<>();
  private int drawnLines;
  private long lastDraw;

  PullProgress(PrintWriter out, Mode mode, Clock clock) {
    this.out = out;
    this.mode = mode;
    this.clock = clock;
  }

  static Mode detectMode(boolean quiet) {
    if (quiet) {
      return Mode.QUIET;
    }
    return System.console() != null && System.console().isTerminal() ? Mode.TERMINAL : Mode.PLAIN;
  }

  @Override
  public synchronized void onEvent(PullEvent event) {
    if (mode == Mode.QUIET) {
      return;
    }
    String state = describe(event);
    if (mode == Mode.PLAIN) {
      // Byte-level progress would flood a log; plain mode prints state changes only.
      if (!(event instanceof PullEvent.Downloading)) {
        out.println(TIME.format(Instant.now(clock)) + " " + shortId(event.layer()) + " " + state);
        out.flush();
      }
      return;
    }
    if (event instanceof PullEvent.Transferred t) {
      sources.add(t); // listed under the layers once the pull is done
      return;
    }
    lines.put(event.layer(), state);
    long now = System.nanoTime();
    if (event instanceof PullEvent.Downloading && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    redraw();
  }

  /** Draws the final state once more, so the last line of every layer is visible. */
  synchronized void finish() {
    if (mode == Mode.TERMINAL) {
      redraw();
      for (PullEvent.Transferred t : sources) {
        out.println(shortId(t.layer()) + ": " + describe(t));
      }
      out.flush();
    }
  }

  private void redraw() {
    StringBuilder frame = new StringBuilder();
    if (drawnLines > 0) {
      frame.append("\u001b[").append(drawnLines).append('F'); // cursor up to the first line
    }
    for (Map.Entry<Digest, String> line : lines.entrySet()) {
      frame.append("\u001b[2K").append(shortId(line.getKey())).append(": ").append(line.getValue());
      frame.append('\n');
    }
    drawnLines = lines.size();
    out.print(frame);
    out.flush();
  }

  static String describe(PullEvent event) {
    if (event instanceof PullEvent.Waiting) {
      return "waiting";
    } else if (event instanceof PullEvent.AlreadyPresent) {
      return "already exists";
    } else if (event instanceof PullEvent.Downloading d) {
      return "downloading " + megabytes(d.received()) + "/" + megabytes(d.size());
    } else if (event instanceof PullEvent.Resuming r) {
      return "resuming at " + megabytes(r.offset()) + " (" + r.reason() + ")";
    } else if (event instanceof PullEvent.Extracting) {
      return "extracting";
    } else if (event instanceof PullEvent.Transferred t) {
      return String.format(
          Locale.ROOT,
          "fetched %s from %s in %.2f s",
          megabytes(t.bytes()),
          t.source(),
          t.nanos() / 1e9);
    } else if (event instanceof PullEvent.Done d) {
      return "done " + megabytes(d.size()) + " → " + megabytes(d.uncompressedSize());
    }
    throw new IllegalArgumentException("unknown pull event " + event);
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  private static String shortId(Digest digest) {
    return digest.encoded().substring(0, 12);
  }
}
