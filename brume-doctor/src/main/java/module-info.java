/** Host checks: what a node needs before it can run brume. */
module io.brume.doctor {
  requires static transitive org.jspecify;

  exports io.brume.doctor;
}
