/** OCI image model: digests, references, manifests, media types. */
module io.brume.oci {
  requires static transitive org.jspecify;
  requires com.fasterxml.jackson.databind;

  exports io.brume.oci;
}
