package io.brume.doctor;

import java.util.List;

/** One aspect of node health. Checks only read; changes go through {@link Fix}. */
public interface Check {
  /** A short name, printed in the first column. */
  String name();

  /** Examines {@code system}; never throws for a missing file (that is {@link Status#UNKNOWN}). */
  List<Finding> run(SystemView system);
}
