package io.brume.registry;

import io.brume.oci.ImageManifest;
import io.brume.oci.ImageReference;
import java.util.Optional;

/**
 * An image reference resolved to one platform's manifest.
 *
 * @param reference the reference that was resolved
 * @param manifest the platform's manifest as served (bytes, verified digest, media type)
 * @param parsed the parsed manifest
 * @param index the index or manifest list it was selected from, if the reference named one
 */
public record ResolvedImage(
    ImageReference reference,
    FetchedManifest manifest,
    ImageManifest parsed,
    Optional<FetchedManifest> index) {}
