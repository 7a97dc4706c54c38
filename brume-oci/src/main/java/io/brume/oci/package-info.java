/**
 * The OCI/Docker image model: {@link io.brume.oci.Digest}, {@link io.brume.oci.MediaType}, {@link
 * io.brume.oci.Descriptor}, {@link io.brume.oci.Platform}, {@link io.brume.oci.ImageReference} and
 * the manifest, index and config documents with validating JSON parsing. Values only, no I/O.
 */
package io.brume.oci;
