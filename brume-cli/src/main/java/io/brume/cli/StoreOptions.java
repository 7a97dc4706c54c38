package io.brume.cli;

import io.brume.store.ContentStore;
import io.brume.store.ImageStore;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The {@code --store} option shared by every command that reads or writes the image store. */
final class StoreOptions {
  @Option(
      names = "--store",
      paramLabel = "DIR",
      description =
          "Image store directory (default: $XDG_DATA_HOME/brume, else ~/.local/share/brume).")
  @Nullable Path store;

  Path root() {
    return store != null
        ? store
        : ContentStore.defaultRoot(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** Opens the store for writing (created if missing); a user error says what is wrong with it. */
  ContentStore open() throws IOException {
    Path root = checkedRoot();
    try {
      return ContentStore.open(root);
    } catch (AccessDeniedException e) {
      throw notWritable(root, e);
    } catch (FileSystemException e) {
      if (e.getReason() != null && e.getReason().toLowerCase().contains("read-only")) {
        throw notWritable(root, e);
      }
      throw e;
    }
  }

  /** The store's image records for reading only: works on a read-only store. */
  ImageStore openRecords() {
    return ImageStore.openReadOnly(checkedRoot());
  }

  private Path checkedRoot() {
    Path root = root();
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new UserException(
          "the image store "
              + root
              + " is a file, not a directory: give --store a directory (it is created if missing)");
    }
    return root;
  }

  private static UserException notWritable(Path root, FileSystemException e) {
    return new UserException(
        "cannot write to the image store "
            + root
            + " ("
            + Errors.describe(e)
            + "): this command needs a store it may write; 'brume images' also lists a read-only"
            + " one",
        e);
  }
}
