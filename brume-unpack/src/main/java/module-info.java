/** Layer extraction into root filesystems and OCI runtime bundles. */
module io.brume.unpack {
  requires static transitive org.jspecify;
  requires com.fasterxml.jackson.databind;
  requires org.apache.commons.compress;

  exports io.brume.unpack;

  // LayerChanges is (de)serialised by Jackson data binding.
  opens io.brume.unpack to
      com.fasterxml.jackson.databind;
}
