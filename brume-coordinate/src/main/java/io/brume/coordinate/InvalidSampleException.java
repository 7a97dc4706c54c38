package io.brume.coordinate;

/** A probe sample that {@link VivaldiClient#update} refused; the local coordinate is unchanged. */
public final class InvalidSampleException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Why a sample was refused. */
  public enum Reason {
    /** RTT ≤ 0, NaN or infinite. */
    RTT_NOT_POSITIVE,
    /** RTT above {@link VivaldiConfig#MAX_RTT_SECONDS}. */
    RTT_TOO_LARGE,
    /** The peer's coordinate has a NaN or infinite field. */
    COORDINATE_NOT_FINITE,
    /**
     * The peer's coordinate holds a value no honest node can have (negative height or error, an
     * absurd magnitude); see {@link CoordinateBounds}.
     */
    COORDINATE_IMPLAUSIBLE,
    /** The peer's coordinate has another number of dimensions. */
    DIMENSION_MISMATCH,
    /** The peer name is empty. */
    BAD_NODE_NAME
  }

  private final Reason reason;

  InvalidSampleException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** Why the sample was refused. */
  public Reason reason() {
    return reason;
  }
}
