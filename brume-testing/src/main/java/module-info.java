/**
 * Test fixtures shared by the modules' tests: registries, token servers, image builders,
 * prerequisites.
 */
module io.brume.testing {
  requires static transitive org.jspecify;
  requires transitive io.brume.oci;
  requires com.fasterxml.jackson.databind;
  requires org.apache.commons.compress;
  requires com.github.luben.zstd_jni;
  requires transitive org.junit.jupiter.api;
  requires awaitility;
  requires jdk.httpserver;
  requires java.net.http;

  exports io.brume.testing;
}
