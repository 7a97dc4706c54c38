/** Host checks: what a node needs before it can run brume. */
module io.brume.doctor {
  exports io.brume.doctor;
}
