package io.brume.cli;

import io.brume.store.ContentStore;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --store} option shared by every command that reads or writes the image store. */
final class StoreOptions {
  @Option(
      names = "--store",
      paramLabel = "DIR",
      description =
          "Image store directory (default: $XDG_DATA_HOME/brume, else ~/.local/share/brume).")
  Path store;

  Path root() {
    return store != null
        ? store
        : ContentStore.defaultRoot(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  ContentStore open() throws IOException {
    return ContentStore.open(root());
  }
}
