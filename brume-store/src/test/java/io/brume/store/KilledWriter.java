package io.brume.store;

import io.brume.oci.Digest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link KillMidwayTest}: starts writing a blob and a snapshot into the store
 * given as the first argument, prints READY, then waits to be killed with SIGKILL.
 */
public final class KilledWriter {
  private KilledWriter() {}

  /** Arguments: store root, blob content; writes half the blob and a partial snapshot. */
  public static void main(String[] args) throws Exception {
    ContentStore store = ContentStore.open(Path.of(args[0]));
    byte[] content = args[1].getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(content);
    BlobWriter blob = store.blobs().ingest(digest, content.length);
    blob.write(content, 0, content.length / 2);
    blob.flush();
    SnapshotStaging staging = store.snapshots().stage(digest);
    Files.writeString(staging.diff().resolve("half-extracted"), "partial");
    Files.writeString(staging.directory().resolve("complete"), "forged marker");
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(120_000);
  }
}
