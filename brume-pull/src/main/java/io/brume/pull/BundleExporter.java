package io.brume.pull;

import io.brume.oci.Digest;
import io.brume.oci.ImageConfig;
import io.brume.store.ContentStore;
import io.brume.store.ImageRecord;
import io.brume.store.Snapshot;
import io.brume.unpack.BundleWriter;
import io.brume.unpack.ImageProcess;
import io.brume.unpack.LayerChanges;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an OCI runtime bundle ({@code rootfs/} with every layer applied in order, and {@code
 * config.json}) for an image the store has pulled, so that {@code crun run} or {@code runc run} can
 * start it.
 */
public final class BundleExporter {
  private final ContentStore store;
  private final BundleWriter writer;

  public BundleExporter(ContentStore store) {
    this(store, new BundleWriter());
  }

  BundleExporter(ContentStore store, BundleWriter writer) {
    this.store = store;
    this.writer = writer;
  }

  /** Exports {@code reference} (as {@code brume images} lists it) into {@code bundle}. */
  public ImageRecord export(String reference, Path bundle) throws IOException {
    ImageRecord image =
        store
            .images()
            .get(reference)
            .orElseThrow(
                () ->
                    new NoSuchFileException(
                        reference, null, "no such image in the store; pull it first"));
    if (Files.exists(bundle.resolve("rootfs"))) {
      throw new IOException(
          bundle.resolve("rootfs") + " already exists; export into a new directory");
    }
    List<BundleWriter.LayerDiff> layers = new ArrayList<>();
    for (Digest diffId : image.diffIds()) {
      Snapshot snapshot =
          store
              .snapshots()
              .find(diffId)
              .orElseThrow(
                  () ->
                      new IOException(
                          "layer "
                              + diffId
                              + " of "
                              + reference
                              + " is missing from the store; pull it again"));
      layers.add(
          new BundleWriter.LayerDiff(
              snapshot.diff(), LayerChanges.readFrom(snapshot.file(LayerChanges.FILE_NAME))));
    }
    ImageConfig config;
    try (InputStream in = store.blobs().open(image.configDigest())) {
      config = ImageConfig.parse(in.readAllBytes());
    }
    ImageConfig.RuntimeConfig runtime = config.runtime();
    writer.write(
        bundle,
        layers,
        new ImageProcess(
            runtime.env(),
            runtime.entrypoint(),
            runtime.cmd(),
            runtime.workingDir(),
            runtime.user()));
    return image;
  }
}
