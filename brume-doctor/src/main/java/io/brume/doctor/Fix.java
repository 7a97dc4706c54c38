package io.brume.doctor;

import java.io.IOException;

/** A change {@code brume doctor --fix} may apply because it is safe and reversible at runtime. */
@FunctionalInterface
public interface Fix {
  /**
   * Applies the change.
   *
   * @return what was done, for the user
   * @throws IOException if the change could not be made (typically: not root)
   */
  String apply(SystemView system) throws IOException;
}
