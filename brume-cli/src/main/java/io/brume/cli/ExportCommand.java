package io.brume.cli;

import io.brume.oci.ImageReference;
import io.brume.pull.BundleExporter;
import io.brume.store.ContentStore;
import io.brume.store.ImageRecord;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code brume export}: writes an OCI runtime bundle that crun or runc can run. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Write an OCI runtime bundle (rootfs/ with all layers applied, config.json) for a pulled image.",
      "",
      "Example:",
      "  brume export 127.0.0.1:5000/app:v1 --bundle /tmp/app && crun run --bundle /tmp/app app1"
    })
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store;

  @Parameters(paramLabel = "REF", description = "A pulled image (see `brume images`).")
  String reference;

  @Option(
      names = "--bundle",
      required = true,
      paramLabel = "DIR",
      description = "Bundle directory to create.")
  Path bundle;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (ContentStore contentStore = store.open()) {
      String normalised = ImageReference.parse(reference).toString();
      if (contentStore.images().get(normalised).isEmpty()) {
        throw new UserException(
            "no image "
                + normalised
                + " in the store "
                + contentStore.root()
                + ": pull it first (brume pull "
                + reference
                + "), or see brume images");
      }
      ImageRecord image = new BundleExporter(contentStore).export(normalised, bundle);
      out.println(
          "Exported " + image.reference() + " (" + image.layers().size() + " layers) to " + bundle);
    }
    out.flush();
    return 0;
  }
}
