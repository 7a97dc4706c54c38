package io.brume.kubernetes;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brume.coordinate.Coordinate;
import io.brume.coordinate.CoordinateBounds;
import java.util.Arrays;

/**
 * A node's Vivaldi coordinate as published in the {@link BrumeAnnotations#COORDINATE} Node
 * annotation. Like brume-coordinate's {@link Coordinate} it is in milliseconds; the field names say
 * so, so the annotation reads naturally with {@code kubectl get node -o yaml}: {@code
 * {"vectorMs":[..],"heightMs":h,"adjustmentMs":a,"error":e}}.
 *
 * <p>The estimated RTT is {@link Coordinate#estimateRttMillis}'s (Serf's formula).
 *
 * @param vectorMs the Euclidean part, ms; copied
 * @param heightMs the height, ms (access-link latency)
 * @param adjustmentMs the non-Euclidean adjustment, ms
 * @param error the node's relative error estimate
 */
public record NodeCoordinate(
    @JsonProperty("vectorMs") double[] vectorMs,
    @JsonProperty("heightMs") double heightMs,
    @JsonProperty("adjustmentMs") double adjustmentMs,
    @JsonProperty("error") double error) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Copies the vector and rejects values no agent could have produced. */
  @JsonCreator
  public NodeCoordinate {
    if (vectorMs == null || vectorMs.length == 0) {
      throw new IllegalArgumentException("coordinate has no vectorMs");
    }
    vectorMs = vectorMs.clone();
    for (double v : vectorMs) {
      requireFinite("vectorMs component", v);
    }
    requireFinite("heightMs", heightMs);
    requireFinite("adjustmentMs", adjustmentMs);
    requireFinite("error", error);
    if (heightMs < 0) {
      throw new IllegalArgumentException("coordinate heightMs is negative: " + heightMs);
    }
    // Finite but absurd values (a vector of 1e200 ms) would overflow distances to Infinity.
    String impossible =
        CoordinateBounds.violation(new Coordinate(vectorMs, error, adjustmentMs, heightMs));
    if (impossible != null) {
      throw new IllegalArgumentException("coordinate is impossible: " + impossible);
    }
  }

  private static void requireFinite(String what, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("coordinate " + what + " is not finite: " + value);
    }
  }

  @Override
  public double[] vectorMs() {
    return vectorMs.clone();
  }

  /** Estimated RTT to {@code other} in ms, never negative. */
  public double estimateRttMillis(NodeCoordinate other) {
    if (other.vectorMs.length != vectorMs.length) {
      throw differentDimensions(other);
    }
    return toVivaldi().estimateRttMillis(other.toVivaldi());
  }

  /** brume-coordinate's form of this coordinate (both are in ms). */
  public Coordinate toVivaldi() {
    return new Coordinate(vectorMs, error, adjustmentMs, heightMs);
  }

  /**
   * How far this coordinate moved from {@code previous}, in ms: the Euclidean displacement plus the
   * change of height and adjustment. A peer's estimate to us changes by at most this much.
   */
  public double movedMillisFrom(NodeCoordinate previous) {
    if (previous.vectorMs.length != vectorMs.length) {
      return Double.POSITIVE_INFINITY;
    }
    return euclidean(previous)
        + Math.abs(heightMs - previous.heightMs)
        + Math.abs(adjustmentMs - previous.adjustmentMs);
  }

  private double euclidean(NodeCoordinate other) {
    if (other.vectorMs.length != vectorMs.length) {
      throw differentDimensions(other);
    }
    double sum = 0;
    for (int i = 0; i < vectorMs.length; i++) {
      double d = vectorMs[i] - other.vectorMs[i];
      sum += d * d;
    }
    return Math.sqrt(sum);
  }

  private IllegalArgumentException differentDimensions(NodeCoordinate other) {
    return new IllegalArgumentException(
        "coordinates have different dimensions: "
            + vectorMs.length
            + " and "
            + other.vectorMs.length);
  }

  /** The annotation form of brume-coordinate's {@code coordinate} (both are in ms). */
  public static NodeCoordinate fromVivaldi(Coordinate coordinate) {
    return new NodeCoordinate(
        coordinate.vector(), coordinate.height(), coordinate.adjustment(), coordinate.error());
  }

  /** The annotation value. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise coordinate", e);
    }
  }

  /**
   * Parses an annotation value.
   *
   * @throws IllegalArgumentException naming what is wrong with {@code json}
   */
  public static NodeCoordinate fromJson(String json) {
    try {
      NodeCoordinate c = JSON.readValue(json, NodeCoordinate.class);
      if (c == null) {
        throw new IllegalArgumentException("coordinate annotation is null");
      }
      return c;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "coordinate annotation is not valid JSON ({\"vectorMs\":[..],\"heightMs\":..}): "
              + e.getOriginalMessage(),
          e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeCoordinate c
        && Arrays.equals(vectorMs, c.vectorMs)
        && heightMs == c.heightMs
        && adjustmentMs == c.adjustmentMs
        && error == c.error;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(vectorMs) * 31 + Double.hashCode(heightMs);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
