package io.brume.snapshotter;

/**
 * A request the snapshotter refuses, with the containerd error class it maps to (NotFound,
 * AlreadyExists, FailedPrecondition, InvalidArgument).
 */
public final class SnapshotException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** containerd's error classes ({@code errdefs}) that the service returns. */
  public enum Reason {
    NOT_FOUND,
    ALREADY_EXISTS,
    FAILED_PRECONDITION,
    INVALID_ARGUMENT
  }

  private final Reason reason;

  public SnapshotException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  static SnapshotException notFound(String what) {
    return new SnapshotException(Reason.NOT_FOUND, what + ": not found");
  }

  static SnapshotException alreadyExists(String what) {
    return new SnapshotException(Reason.ALREADY_EXISTS, what + ": already exists");
  }
}
