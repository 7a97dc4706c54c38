/** The emulated fog: many nodes in one process over the real proxy and routing code. */
module io.brume.emulation {
  requires static transitive org.jspecify;
  requires transitive io.brume.coordinate;
  requires transitive io.brume.dashboard;
  requires io.brume.http;
  requires io.brume.proxy;
  requires io.brume.router;
  requires com.fasterxml.jackson.databind;
  requires jdk.httpserver;
  requires java.net.http;

  exports io.brume.emulation;
}
