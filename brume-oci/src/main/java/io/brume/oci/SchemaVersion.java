package io.brume.oci;

/** The {@code schemaVersion} check shared by manifests and indexes. */
final class SchemaVersion {

  private SchemaVersion() {}

  /** Requires {@code schemaVersion: 2}; schema 1 manifests are deprecated and unsupported. */
  static void require(JsonObject root) {
    long version = root.requiredLong("schemaVersion");
    if (version != 2) {
      throw root.invalid("schemaVersion", "must be 2, got " + version);
    }
  }
}
