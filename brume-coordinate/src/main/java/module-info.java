/** Network coordinates (Vivaldi) and RTT data sets. */
module io.brume.coordinate {
  requires static transitive org.jspecify;
  requires com.fasterxml.jackson.databind;

  exports io.brume.coordinate;
}
