/** Content-addressed blob store and image records on local disk. */
module io.brume.store {
  requires static transitive org.jspecify;
  requires transitive io.brume.oci;
  requires com.fasterxml.jackson.databind;

  exports io.brume.store;
}
