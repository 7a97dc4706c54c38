/** Proximity-aware routing and replica placement: pure algorithms and their simulator. */
module io.brume.router {
  requires static transitive org.jspecify;
  requires transitive io.brume.coordinate;

  exports io.brume.router;
  exports io.brume.router.placement;
}
