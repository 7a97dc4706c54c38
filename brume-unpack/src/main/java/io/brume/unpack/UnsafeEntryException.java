package io.brume.unpack;

import java.io.IOException;

/**
 * A layer entry that would write, link or delete outside the extraction root, or that this process
 * refuses to create. The message names the entry and what was wrong with it.
 */
public final class UnsafeEntryException extends IOException {
  private final String entryName;

  /** Creates the failure for the tar entry {@code entryName} (as written in the archive). */
  public UnsafeEntryException(String entryName, String reason) {
    super("unsafe layer entry \"" + entryName + "\": " + reason);
    this.entryName = entryName;
  }

  /** The offending entry's name as written in the archive. */
  public String entryName() {
    return entryName;
  }
}
