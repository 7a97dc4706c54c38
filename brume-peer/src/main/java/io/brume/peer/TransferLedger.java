package io.brume.peer;

import io.brume.store.KeyedLocks;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bytes fetched into a store, by source ({@code registry} or {@code peer}), summed over every pull
 * in every process: pulls add to it, the agent serving the store exports it on {@code /metrics}.
 * One small file, {@code <store>/transfers.properties}, read and updated under the store's lock for
 * the key {@value #LOCK_KEY}, which separates threads of one process as well as processes (a bare
 * {@code FileLock} does not: a second one on the same file in the same JVM throws).
 */
public final class TransferLedger {
  /** Bytes that came from the registry. */
  public static final String REGISTRY = "registry";

  /** Bytes that came from other nodes. */
  public static final String PEER = "peer";

  static final String FILE_NAME = "transfers.properties";

  private static final String LOCK_KEY = "transfers";

  private final Path storeRoot;
  private final Path file;

  private TransferLedger(Path storeRoot) {
    this.storeRoot = storeRoot;
    this.file = storeRoot.resolve(FILE_NAME);
  }

  /** The ledger of the store at {@code storeRoot}. */
  public static TransferLedger of(Path storeRoot) {
    return new TransferLedger(storeRoot);
  }

  private KeyedLocks.Held lock() throws IOException {
    return KeyedLocks.ofStore(storeRoot).acquire(LOCK_KEY);
  }

  /** Adds one pull's bytes; nothing to do for an empty tally. */
  @SuppressWarnings("try") // the lock is held for the block, never read
  public void add(Tally tally) throws IOException {
    Map<String, Long> more = tally.totals();
    if (more.isEmpty()) {
      return;
    }
    try (KeyedLocks.Held lock = lock();
        FileChannel channel =
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
      Map<String, Long> totals = parse(channel);
      more.forEach((source, bytes) -> totals.merge(source, bytes, Long::sum));
      StringBuilder text = new StringBuilder();
      totals.forEach((source, bytes) -> text.append(source).append('=').append(bytes).append('\n'));
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)), 0);
    }
  }

  /** Bytes by source so far (empty when nothing was fetched yet). */
  @SuppressWarnings("try") // the lock is held for the block, never read
  public Map<String, Long> totals() throws IOException {
    if (!Files.exists(file)) {
      return Map.of();
    }
    try (KeyedLocks.Held lock = lock();
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return parse(channel);
    }
  }

  private static Map<String, Long> parse(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 1 << 16));
    channel.read(buffer, 0);
    Properties properties = new Properties();
    properties.load(
        new StringReader(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8)));
    Map<String, Long> totals = new TreeMap<>();
    for (String source : properties.stringPropertyNames()) {
      try {
        totals.put(source, Long.parseLong(properties.getProperty(source).strip()));
      } catch (NumberFormatException e) {
        // A damaged line is dropped rather than failing every later pull.
      }
    }
    return totals;
  }

  /** One pull's bytes by source; thread-safe (layers download in parallel). */
  public static final class Tally {
    private final Map<String, LongAdder> bytes = new ConcurrentHashMap<>();

    public void add(String source, long n) {
      if (n > 0) {
        bytes.computeIfAbsent(source, s -> new LongAdder()).add(n);
      }
    }

    public Map<String, Long> totals() {
      Map<String, Long> totals = new TreeMap<>();
      bytes.forEach((source, adder) -> totals.put(source, adder.sum()));
      return totals;
    }
  }
}
