/** OCI distribution client: registries, auth, mirrors, TLS. */
module io.brume.registry {
  requires static transitive org.jspecify;
  requires transitive io.brume.oci;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.toml;
  requires java.net.http;

  exports io.brume.registry;
}
