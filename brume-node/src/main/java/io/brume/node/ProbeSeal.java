package io.brume.node;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates probe datagrams with a cluster key ({@link ProbeKeyring}). A sealed datagram is the
 * {@link ProbeMessage} encoding followed by the sender's wall-clock time and a tag:
 *
 * <pre>
 * message (ProbeMessage.encode) | timestamp, ms since the epoch (8) | HMAC-SHA256 tag, first 16 bytes
 * </pre>
 *
 * The tag covers the message and the timestamp, under the current key or the previous one. A
 * datagram is accepted only if its tag verifies, its timestamp is within {@code window} of this
 * node's clock, and the same (sender, type, sequence) was not accepted within the window: a
 * recorded datagram replayed later, or twice, is refused. Thread-safe.
 */
final class ProbeSeal {
  /** Bytes added to a message. */
  static final int OVERHEAD = 8 + 16;

  private static final int TAG_BYTES = 16;
  private static final int MAX_REMEMBERED = 200_000;

  /** Why an opened datagram was refused. */
  enum Refusal {
    /** No valid tag under any accepted key. */
    UNAUTHENTICATED,
    /** Timestamp outside the window, or already seen: a replay. */
    REPLAYED
  }

  /** Thrown by {@link #open} for a datagram that is not accepted. */
  static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;
    final Refusal refusal;

    RefusedException(Refusal refusal, String message) {
      super(message, null, false, false);
      this.refusal = refusal;
    }
  }

  private record Seen(String sender, int type, long sequence) {}

  private final ProbeKeyring keys;
  private final InstantSource clock;
  private final long windowMillis;
  private final Map<Seen, Long> seen = new HashMap<>();
  private long nextPurgeMillis;

  ProbeSeal(ProbeKeyring keys, InstantSource clock, Duration window) {
    this.keys = keys;
    this.clock = clock;
    this.windowMillis = window.toMillis();
  }

  /** The sealed datagram of {@code message}, signed with the current key. */
  byte[] seal(ProbeMessage message) {
    byte[] body = message.encode();
    ByteBuffer b = ByteBuffer.allocate(body.length + OVERHEAD);
    b.put(body).putLong(clock.millis());
    byte[] tag = tag(keys.keys().get(0), b.array(), body.length + 8);
    b.put(tag, 0, TAG_BYTES);
    return b.array();
  }

  /**
   * Verifies and decodes a sealed datagram.
   *
   * @throws RefusedException if it is not authentic or is a replay
   * @throws ProbeMessage.MalformedProbeException if the authentic message inside is malformed
   */
  ProbeMessage open(byte[] data, int length)
      throws RefusedException, ProbeMessage.MalformedProbeException {
    if (length < OVERHEAD + 1) {
      throw new RefusedException(Refusal.UNAUTHENTICATED, "too short for a tag");
    }
    int signed = length - TAG_BYTES;
    byte[] received = Arrays.copyOfRange(data, signed, length);
    boolean ok = false;
    for (byte[] key : keys.keys()) {
      byte[] expected = Arrays.copyOf(tag(key, data, signed), TAG_BYTES);
      ok |= MessageDigest.isEqual(expected, received);
    }
    if (!ok) {
      throw new RefusedException(Refusal.UNAUTHENTICATED, "bad tag");
    }
    long timestamp = ByteBuffer.wrap(data, signed - 8, 8).getLong();
    ProbeMessage m = ProbeMessage.decode(data, 0, signed - 8);
    long now = clock.millis();
    if (Math.abs(now - timestamp) > windowMillis) {
      throw new RefusedException(Refusal.REPLAYED, "timestamp outside the window");
    }
    synchronized (seen) {
      if (now >= nextPurgeMillis || seen.size() >= MAX_REMEMBERED) {
        for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
          if (it.next() < now) {
            it.remove();
          }
        }
        nextPurgeMillis = now + windowMillis;
      }
      if (seen.size() >= MAX_REMEMBERED) {
        throw new RefusedException(Refusal.REPLAYED, "replay cache full");
      }
      Seen key = new Seen(m.sender(), m.type().ordinal(), m.sequence());
      if (seen.putIfAbsent(key, timestamp + 2 * windowMillis) != null) {
        throw new RefusedException(Refusal.REPLAYED, "seen before");
      }
    }
    return m;
  }

  private static byte[] tag(byte[] key, byte[] data, int length) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(data, 0, length);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
