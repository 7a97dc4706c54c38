package io.brume.cli;

import io.brume.oci.ImageReference;
import io.brume.store.ContentStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code brume rm}: forgets images; {@code brume gc} then frees what nothing references. */
@Command(
    name = "rm",
    mixinStandardHelpOptions = true,
    description = {
      "Remove images from the local store.",
      "Their blobs and snapshots stay until `brume gc` removes what no image references."
    })
final class RmCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store;

  @Parameters(arity = "1..*", paramLabel = "REF", description = "Images to remove.")
  List<String> references;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int missing = 0;
    try (ContentStore contentStore = store.open()) {
      for (String reference : references) {
        String normalised = ImageReference.parse(reference).toString();
        if (contentStore.images().remove(normalised)) {
          out.println("Removed " + normalised);
        } else {
          err.println("brume rm: no image " + normalised + " in " + contentStore.root());
          missing++;
        }
      }
    }
    out.flush();
    return missing == 0 ? 0 : 1;
  }
}
