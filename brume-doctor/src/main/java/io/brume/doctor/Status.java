package io.brume.doctor;

/** The outcome of one check. */
public enum Status {
  /** Nothing to change. */
  OK,
  /** Something to change; {@code brume doctor} exits with 1. */
  WARN,
  /** The check could not tell (missing file, no permission); not counted as a warning. */
  UNKNOWN
}
