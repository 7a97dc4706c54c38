/** Peer-to-peer blob sharing between nodes. */
module io.brume.peer {
  requires static transitive org.jspecify;
  requires transitive io.brume.oci;
  requires transitive io.brume.store;
  requires io.brume.registry;
  requires transitive io.brume.coordinate;
  requires io.brume.http;
  requires transitive com.fasterxml.jackson.databind;
  requires transitive jdk.httpserver; // DistributionResponses takes an HttpExchange
  requires java.net.http;

  exports io.brume.peer;
}
