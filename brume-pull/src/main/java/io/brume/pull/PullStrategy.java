package io.brume.pull;

import java.util.Locale;

/**
 * How a pull schedules its downloads, decompression and extraction. The first three reproduce the
 * techniques measured on Raspberry Pis by Ahmed and Pierre (EDGE 2018); {@link #AUTO} is brume's
 * default.
 */
public enum PullStrategy {
  /**
   * The standard engines' behaviour: up to three layers download in parallel, each layer is
   * inflated single-threaded and extracted only after it is complete and verified, in layer order.
   */
  DOCKER(3, false, 1, false),
  /** Technique 1 alone: one download at a time, so the first layer's extraction starts early. */
  SEQUENTIAL(1, false, 1, false),
  /**
   * Techniques 1+2+3: one download at a time; each layer is inflated by the fastest inflater and
   * extracted while it downloads, into a staging snapshot committed only on digest match.
   */
  PIPELINED(1, true, 1, true),
  /**
   * Pipelined, and layers extract in parallel (per-layer snapshots are independent) as soon as
   * their download starts; parallel extraction only engages when the link outruns one extractor,
   * because a layer's extraction can only consume bytes that have arrived.
   */
  AUTO(1, true, Math.max(2, Runtime.getRuntime().availableProcessors()), true);

  private final int downloads;
  private final boolean streaming;
  private final int extractions;
  private final boolean fastestInflater;

  PullStrategy(int downloads, boolean streaming, int extractions, boolean fastestInflater) {
    this.downloads = downloads;
    this.streaming = streaming;
    this.extractions = extractions;
    this.fastestInflater = fastestInflater;
  }

  /** How many layers download at the same time. */
  public int downloads() {
    return downloads;
  }

  /** Whether extraction follows the download instead of waiting for the verified blob. */
  public boolean streaming() {
    return streaming;
  }

  /** How many layers extract at the same time. */
  public int extractions() {
    return extractions;
  }

  /** Whether layers inflate with the fastest inflater available instead of in-process zlib. */
  public boolean fastestInflater() {
    return fastestInflater;
  }

  /** Parses a strategy name as the CLI spells it ({@code docker}, {@code pipelined}, …). */
  public static PullStrategy parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown pull strategy '" + name + "' (expected docker, sequential, pipelined or auto)",
          e);
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
