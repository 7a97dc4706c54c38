package io.brume.unpack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a layer diff directory cannot express by itself and that must be applied against the lower
 * layers when the rootfs is assembled. Written next to the diff as JSON ({@link #FILE_NAME}).
 *
 * <p>All paths are root-relative, already resolved inside the layer's own diff.
 *
 * @param whiteouts paths the layer deletes from lower layers ({@code .wh.NAME} entries)
 * @param opaqueDirs directories whose lower-layer contents the layer hides ({@code .wh..wh..opq})
 * @param lowerLinks hard links whose target lives in a lower layer
 * @param implicitDirs directories created only because an entry needed a parent; when applying they
 *     are resolved through whatever the lower layers have there (umoci's {@code MkdirAll}); {@code
 *     ""} (the root) is listed when the layer had no entry for its root directory
 */
public record LayerChanges(
    List<String> whiteouts,
    List<String> opaqueDirs,
    List<LowerLink> lowerLinks,
    List<String> implicitDirs) {

  /** The file name used next to a layer diff. */
  public static final String FILE_NAME = "changes.json";

  /** Built on first use: extraction creates a record without ever writing JSON itself. */
  private static final class Json {
    static final ObjectMapper MAPPER =
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  /** Copies the lists. */
  public LayerChanges {
    whiteouts = List.copyOf(whiteouts);
    opaqueDirs = List.copyOf(opaqueDirs);
    lowerLinks = List.copyOf(lowerLinks);
    implicitDirs = List.copyOf(implicitDirs);
  }

  /** A hard link at {@code path} to {@code target}, which a lower layer provides. */
  public record LowerLink(String path, String target) {}

  /** No whiteouts, no links, nothing implicit. */
  public static LayerChanges none() {
    return new LayerChanges(List.of(), List.of(), List.of(), List.of());
  }

  /** Writes this record as JSON to {@code file} (the caller makes the enclosing commit atomic). */
  public void writeTo(Path file) throws IOException {
    Files.write(file, Json.MAPPER.writeValueAsBytes(this));
  }

  /** Reads a record written by {@link #writeTo}. */
  public static LayerChanges readFrom(Path file) throws IOException {
    return Json.MAPPER.readValue(file.toFile(), LayerChanges.class);
  }
}
