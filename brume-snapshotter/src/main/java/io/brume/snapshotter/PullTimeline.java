package io.brume.snapshotter;

import io.brume.oci.Digest;
import io.brume.pull.PullEvent;
import io.brume.pull.PullListener;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * When each layer of one pull reached each step, for the snapshotter's log line of the pull, so
 * that the log shows where a pull's time goes (download, extraction and verification) next to what
 * containerd spends around it. Milliseconds since the pull began. Thread-safe: the pull's workers
 * report concurrently.
 */
final class PullTimeline implements PullListener {
  private final LongSupplier nanoTime;
  private final long start;
  private final Map<Digest, Steps> layers = new LinkedHashMap<>();
  private long fetched;

  /** A timeline that begins now, by {@code nanoTime} ({@code System::nanoTime} in the daemon). */
  PullTimeline(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
  }

  @Override
  public synchronized void onEvent(PullEvent event) {
    long ms = elapsedMillis();
    Steps steps = layers.computeIfAbsent(event.layer(), layer -> new Steps());
    if (event instanceof PullEvent.Downloading d) {
      if (steps.firstBytes < 0 && d.received() > 0) {
        steps.firstBytes = ms;
      }
    } else if (event instanceof PullEvent.Transferred t) {
      steps.downloaded = ms; // one per source: the last one ends the download
      fetched += t.bytes();
    } else if (event instanceof PullEvent.Extracting) {
      if (steps.extracting < 0) {
        steps.extracting = ms;
      }
    } else if (event instanceof PullEvent.Done d) {
      steps.done = ms;
      steps.size = d.size();
      steps.uncompressed = d.uncompressedSize();
    }
  }

  /** Milliseconds since the timeline began. */
  long elapsedMillis() {
    return (nanoTime.getAsLong() - start) / 1_000_000;
  }

  /** Compressed bytes fetched so far, from the registry and peers. */
  synchronized long fetchedBytes() {
    return fetched;
  }

  /**
   * Per layer, in the order the pull first reported them: its short digest, compressed and
   * uncompressed MB, and when its first bytes arrived, its download ended, its extraction began and
   * it was verified and stored ({@code -} for a step it did not take, e.g. a layer already there).
   */
  synchronized String summary() {
    StringBuilder line = new StringBuilder();
    for (Map.Entry<Digest, Steps> layer : layers.entrySet()) {
      Steps s = layer.getValue();
      if (!line.isEmpty()) {
        line.append("; ");
      }
      String hex = layer.getKey().encoded();
      line.append(hex, 0, Math.min(12, hex.length()))
          .append(String.format(Locale.ROOT, " %.1f/%.1f MB", s.size / 1e6, s.uncompressed / 1e6))
          .append(": first bytes ")
          .append(at(s.firstBytes))
          .append(", downloaded ")
          .append(at(s.downloaded))
          .append(", extracting ")
          .append(at(s.extracting))
          .append(", verified ")
          .append(at(s.done));
    }
    return line.toString();
  }

  private static String at(long ms) {
    return ms < 0 ? "-" : ms + " ms";
  }

  private static final class Steps {
    long firstBytes = -1;
    long downloaded = -1;
    long extracting = -1;
    long done = -1;
    long size;
    long uncompressed;
  }
}
