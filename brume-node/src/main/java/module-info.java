/** The node agent: coordinates, peers and its HTTP API and metrics. */
module io.brume.node {
  requires static transitive org.jspecify;
  requires transitive io.brume.coordinate;
  requires io.brume.http;
  requires io.brume.peer;
  requires io.brume.store;
  requires transitive com.fasterxml.jackson.databind;
  requires micrometer.core;
  requires micrometer.registry.prometheus;
  requires jdk.httpserver;
  requires java.logging;

  exports io.brume.node;
}
