/**
 * The emulated fog behind {@code brume up}: production node agents in one process, the demo image
 * deployed through brume's engine over emulated links, the real proxy and routing code.
 */
module io.brume.emulation {
  requires static transitive org.jspecify;
  requires transitive io.brume.coordinate;
  requires transitive io.brume.dashboard;
  requires io.brume.http;
  requires io.brume.node;
  requires io.brume.oci;
  requires io.brume.peer;
  requires io.brume.proxy;
  requires io.brume.pull;
  requires io.brume.registry;
  requires io.brume.router;
  requires io.brume.store;
  requires org.apache.commons.compress;
  requires com.fasterxml.jackson.databind;
  requires jdk.httpserver;
  requires java.logging;
  requires java.net.http;

  exports io.brume.emulation;
}
