package io.brume.cli;

import io.brume.store.ContentStore;
import io.brume.store.GcResult;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code brume gc}: removes blobs, snapshots and partial downloads no image references. */
@Command(
    name = "gc",
    mixinStandardHelpOptions = true,
    description =
        "Remove blobs, layer snapshots and partial downloads that no image in the store references.")
final class GcCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (ContentStore contentStore = store.open()) {
      GcResult result =
          contentStore.gcWhenFree(
              () -> {
                out.println(
                    "Waiting for a pull (or another writer) to finish with "
                        + contentStore.root()
                        + " …");
                out.flush();
              });
      out.printf(
          Locale.ROOT,
          "Removed %d blobs, %d snapshots, %d partial downloads; freed %.1f MB%n",
          result.blobs().size(),
          result.snapshots().size(),
          result.partials().size(),
          result.bytesFreed() / 1e6);
    }
    out.flush();
    return 0;
  }
}
