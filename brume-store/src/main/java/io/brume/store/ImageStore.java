package io.brume.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brume.oci.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Image records as JSON files {@code images/<sha256 of the reference>.json}, each written
 * atomically (synced temporary file, rename), so a reader sees the old record or the new one.
 */
public final class ImageStore {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** A record write takes milliseconds; a temporary this old was left by a killed writer. */
  private static final Duration STALE_TEMPORARY_AGE = Duration.ofHours(1);

  private final Path images;

  /**
   * The records of the store at {@code storeRoot} for reading only: creates, locks and cleans
   * nothing, so a store on a read-only file system (or someone else's) can be listed. A store
   * without records lists none.
   */
  public static ImageStore openReadOnly(Path storeRoot) {
    return new ImageStore(storeRoot.resolve("images"));
  }

  /** The records of a store opened for writing: creates {@code images/} and cleans it. */
  static ImageStore openWritable(Path storeRoot) throws IOException {
    ImageStore store = new ImageStore(Files.createDirectories(storeRoot.resolve("images")));
    // Temporaries of a killed writer (the record they were replacing is still intact). Only old
    // ones: another process may be writing a record right now; gc removes the rest.
    Durable.deleteTemporaries(
        store.images, FileTime.from(Instant.now().minus(STALE_TEMPORARY_AGE)));
    return store;
  }

  private ImageStore(Path images) {
    this.images = images;
  }

  /** Deletes every temporary record file; only while no writer can run (gc's exclusive lock). */
  List<Path> deleteTemporaries() throws IOException {
    return Durable.deleteTemporaries(images, FileTime.from(Instant.now().plusSeconds(1)));
  }

  /** Adds or replaces the record for its reference. */
  public void put(ImageRecord record) throws IOException {
    Durable.write(file(record.reference()), JSON.writeValueAsBytes(toJson(record)));
  }

  /** The record for a reference. */
  public Optional<ImageRecord> get(String reference) throws IOException {
    try {
      return Optional.of(read(file(reference)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Every record, sorted by reference. */
  public List<ImageRecord> list() throws IOException {
    List<ImageRecord> records = new ArrayList<>();
    if (!Files.isDirectory(images)) {
      return records; // a read-only view of a store that has no records yet
    }
    try (var files = Files.list(images)) {
      for (Path file : files.toList()) {
        if (file.getFileName().toString().endsWith(".json")) {
          records.add(read(file));
        }
      }
    }
    records.sort(Comparator.comparing(ImageRecord::reference));
    return records;
  }

  /** Removes the record; false if there was none. Content is freed by gc. */
  public boolean remove(String reference) throws IOException {
    boolean removed = Files.deleteIfExists(file(reference));
    if (removed) {
      Durable.syncDirectory(images);
    }
    return removed;
  }

  private Path file(String reference) {
    String name = Digest.sha256(reference.getBytes(StandardCharsets.UTF_8)).encoded();
    return images.resolve(name + ".json");
  }

  private static ObjectNode toJson(ImageRecord record) {
    ObjectNode json = JSON.createObjectNode();
    json.put("reference", record.reference());
    json.put("manifestDigest", record.manifestDigest().toString());
    json.put("configDigest", record.configDigest().toString());
    ArrayNode layers = json.putArray("layers");
    record.layers().forEach(digest -> layers.add(digest.toString()));
    ArrayNode diffIds = json.putArray("diffIds");
    record.diffIds().forEach(digest -> diffIds.add(digest.toString()));
    json.put("size", record.size());
    json.put("created", record.created().toString());
    return json;
  }

  private static ImageRecord read(Path file) throws IOException {
    // Files, not File: a missing record must be a NoSuchFileException (get() maps it to empty).
    byte[] bytes = Files.readAllBytes(file);
    try {
      JsonNode json = JSON.readTree(bytes);
      return new ImageRecord(
          json.required("reference").asText(),
          Digest.parse(json.required("manifestDigest").asText()),
          Digest.parse(json.required("configDigest").asText()),
          digests(json.required("layers")),
          digests(json.required("diffIds")),
          json.required("size").asLong(),
          Instant.parse(json.required("created").asText()));
    } catch (IllegalArgumentException
        | java.time.DateTimeException
        | com.fasterxml.jackson.core.JacksonException e) {
      throw new IOException(
          "image record "
              + file
              + " is damaged ("
              + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
              + "): delete that file, then pull the image again",
          e);
    }
  }

  private static List<Digest> digests(JsonNode array) {
    List<Digest> digests = new ArrayList<>();
    array.forEach(node -> digests.add(Digest.parse(node.asText())));
    return digests;
  }
}
