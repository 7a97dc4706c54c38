/** OCI image model: digests, references, manifests, media types. */
module io.brume.oci {
  requires com.fasterxml.jackson.databind;

  exports io.brume.oci;
}
