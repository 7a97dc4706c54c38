package io.brume.cli;

import io.brume.store.ImageRecord;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code brume images}: lists the images in the local store. */
@Command(
    name = "images",
    mixinStandardHelpOptions = true,
    description = "List the images in the local store.")
final class ImagesCommand implements Callable<Integer> {
  private static final DateTimeFormatter CREATED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;
  @Mixin StoreOptions store;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    // Listing only reads: no lock, no clean-up, so a read-only store can be listed.
    List<ImageRecord> images =
        store.openRecords().list().stream()
            .sorted(Comparator.comparing(ImageRecord::reference))
            .toList();
    int width = Math.max(9, images.stream().mapToInt(i -> i.reference().length()).max().orElse(0));
    String row = "%-" + width + "s  %-19s  %6s  %10s  %s%n";
    out.printf(Locale.ROOT, row, "REFERENCE", "DIGEST", "LAYERS", "SIZE", "PULLED (UTC)");
    for (ImageRecord image : images) {
      out.printf(
          Locale.ROOT,
          row,
          image.reference(),
          image.manifestDigest().algorithm()
              + ":"
              + image.manifestDigest().encoded().substring(0, 12),
          image.layers().size(),
          String.format(Locale.ROOT, "%.1f MB", image.size() / 1e6),
          CREATED.format(image.created()));
    }
    out.flush();
    return 0;
  }
}
