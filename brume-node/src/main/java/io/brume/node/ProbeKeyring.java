package io.brume.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The cluster keys that authenticate probes, read from a directory (a mounted Kubernetes Secret):
 * {@code current} signs what this node sends and is accepted, {@code previous} (optional) is only
 * accepted. Rotation without downtime, in two steps each of which leaves every pair of nodes with a
 * key in common: first add the new key as {@code previous} (every node keeps sending with the old
 * one and starts accepting the new), then, once every node has it, make it {@code current} and the
 * old one {@code previous} (see docs/kubernetes.md).
 *
 * <p>A key file holds at least 16 bytes; surrounding whitespace is ignored, so {@code openssl rand
 * -base64 32} output works. The files are re-read at most every {@code reloadEvery} (the kubelet
 * replaces a Secret's files in place); a file that became unreadable or too short keeps the last
 * good keys and logs the problem once. Key bytes are never logged.
 */
final class ProbeKeyring {
  private static final Logger LOG = Logger.getLogger(ProbeKeyring.class.getName());

  /** The file with the key this node signs with. */
  static final String CURRENT = "current";

  /** The file with a key that is accepted but not used to sign. */
  static final String PREVIOUS = "previous";

  /** Shortest key accepted, bytes. */
  static final int MIN_KEY_BYTES = 16;

  private final Path directory;
  private final InstantSource clock;
  private final Duration reloadEvery;
  private List<byte[]> keys;
  private Instant nextReload;
  private @Nullable String lastProblem;

  private ProbeKeyring(
      Path directory, InstantSource clock, Duration reloadEvery, List<byte[]> keys) {
    this.directory = directory;
    this.clock = clock;
    this.reloadEvery = reloadEvery;
    this.keys = keys;
    this.nextReload = clock.instant().plus(reloadEvery);
  }

  /**
   * Reads the keys of {@code directory}.
   *
   * @throws IllegalArgumentException if {@code current} is missing or a key is too short (the
   *     message names the file and the rule)
   */
  static ProbeKeyring load(Path directory, InstantSource clock, Duration reloadEvery) {
    Objects.requireNonNull(directory, "directory");
    return new ProbeKeyring(directory, clock, reloadEvery, read(directory));
  }

  /** Whether {@code directory} holds a {@code current} key file. */
  static boolean present(Path directory) {
    return Files.isRegularFile(directory.resolve(CURRENT));
  }

  /** The key to sign with, then the other accepted keys. */
  synchronized List<byte[]> keys() {
    Instant now = clock.instant();
    if (!now.isBefore(nextReload)) {
      nextReload = now.plus(reloadEvery);
      try {
        keys = read(directory);
        lastProblem = null;
      } catch (IllegalArgumentException | UncheckedIOException e) {
        if (!String.valueOf(e.getMessage()).equals(lastProblem)) {
          lastProblem = e.getMessage();
          LOG.log(
              Level.WARNING,
              "probe keys not reloaded, keeping the previous ones: {0}",
              lastProblem);
        }
      }
    }
    return keys;
  }

  /** The directory the keys come from. */
  Path directory() {
    return directory;
  }

  private static List<byte[]> read(Path directory) {
    List<byte[]> out = new ArrayList<>(2);
    byte[] current = readKey(directory.resolve(CURRENT));
    if (current == null) {
      throw new IllegalArgumentException(
          "probe key file " + directory.resolve(CURRENT) + " does not exist");
    }
    out.add(current);
    byte[] previous = readKey(directory.resolve(PREVIOUS));
    if (previous != null && !Arrays.equals(previous, current)) {
      out.add(previous);
    }
    return List.copyOf(out);
  }

  private static byte @Nullable [] readKey(Path file) {
    String text;
    try {
      text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read probe key file " + file + ": " + e, e);
    }
    byte[] key = text.strip().getBytes(StandardCharsets.ISO_8859_1);
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "probe key file "
              + file
              + " holds "
              + key.length
              + " bytes; a key needs at least "
              + MIN_KEY_BYTES
              + " (e.g. openssl rand -base64 32)");
    }
    return key;
  }
}
