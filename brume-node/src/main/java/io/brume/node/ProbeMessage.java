package io.brume.node;

import io.brume.coordinate.Coordinate;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The probe datagram, a small versioned binary message (big-endian):
 *
 * <pre>
 * magic "BRVP" (4) | version 1 (1) | type 1 = ping, 2 = pong (1) | sequence (8) |
 * name length (1) | sender name, UTF-8, 1..64 bytes | dimensions (1, 1..64) |
 * vector (8 × dimensions, ms) | error (8) | adjustment (8, ms) | height (8, ms)
 * </pre>
 *
 * Both pings and pongs carry the sender's coordinate, so every probe spreads coordinates both ways.
 * The RTT is measured by the prober from its own clock (the sequence identifies the ping); nothing
 * in the message is trusted for timing. {@link #decode} rejects anything malformed with a {@link
 * MalformedProbeException}: wrong magic, unknown version or type, bad lengths, invalid UTF-8,
 * trailing bytes, or a NaN/infinite number.
 *
 * @param type ping or pong
 * @param sequence the ping's number, echoed by the pong
 * @param sender the sending node's name
 * @param coordinate the sender's coordinate
 */
public record ProbeMessage(Type type, long sequence, String sender, Coordinate coordinate) {
  /** "BRVP". */
  public static final int MAGIC = 0x42525650;

  /** Wire format version written and accepted. */
  public static final byte VERSION = 1;

  /** Longest sender name in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 64;

  /** Most dimensions on the wire. */
  public static final int MAX_DIMENSIONS = 64;

  /** Largest valid datagram. */
  public static final int MAX_SIZE =
      4 + 1 + 1 + 8 + 1 + MAX_NAME_BYTES + 1 + 8 * MAX_DIMENSIONS + 24;

  /** Message type. */
  public enum Type {
    PING(1),
    PONG(2);

    final byte code;

    Type(int code) {
      this.code = (byte) code;
    }
  }

  /** Thrown by {@link #decode} for a datagram that is not a valid probe message. */
  public static final class MalformedProbeException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedProbeException(String message) {
      super(message);
    }
  }

  /** Checks the name and the coordinate's size. */
  public ProbeMessage {
    byte[] name = sender.getBytes(StandardCharsets.UTF_8);
    if (name.length == 0 || name.length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          "sender name must be 1.." + MAX_NAME_BYTES + " UTF-8 bytes: " + sender);
    }
    if (coordinate.dimensions() > MAX_DIMENSIONS) {
      throw new IllegalArgumentException("at most " + MAX_DIMENSIONS + " dimensions on the wire");
    }
  }

  /** The datagram bytes. */
  public byte[] encode() {
    byte[] name = sender.getBytes(StandardCharsets.UTF_8);
    int dims = coordinate.dimensions();
    ByteBuffer b = ByteBuffer.allocate(4 + 1 + 1 + 8 + 1 + name.length + 1 + 8 * dims + 24);
    b.putInt(MAGIC).put(VERSION).put(type.code).putLong(sequence);
    b.put((byte) name.length).put(name);
    b.put((byte) dims);
    for (int i = 0; i < dims; i++) {
      b.putDouble(coordinate.component(i));
    }
    b.putDouble(coordinate.error())
        .putDouble(coordinate.adjustment())
        .putDouble(coordinate.height());
    return b.array();
  }

  /**
   * Parses a datagram.
   *
   * @throws MalformedProbeException if it is not a valid probe message (the message says why)
   */
  public static ProbeMessage decode(byte[] data, int offset, int length)
      throws MalformedProbeException {
    if (length > MAX_SIZE) {
      throw new MalformedProbeException(
          "datagram of " + length + " bytes is larger than " + MAX_SIZE);
    }
    ByteBuffer b = ByteBuffer.wrap(data, offset, length);
    try {
      if (b.getInt() != MAGIC) {
        throw new MalformedProbeException("bad magic");
      }
      byte version = b.get();
      if (version != VERSION) {
        throw new MalformedProbeException("unsupported version " + version);
      }
      byte code = b.get();
      Type type = code == Type.PING.code ? Type.PING : code == Type.PONG.code ? Type.PONG : null;
      if (type == null) {
        throw new MalformedProbeException("unknown type " + code);
      }
      long sequence = b.getLong();
      int nameLength = Byte.toUnsignedInt(b.get());
      if (nameLength == 0 || nameLength > MAX_NAME_BYTES) {
        throw new MalformedProbeException("bad name length " + nameLength);
      }
      byte[] name = new byte[nameLength];
      b.get(name);
      String sender;
      try {
        sender =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(name))
                .toString();
      } catch (CharacterCodingException e) {
        throw new MalformedProbeException("sender name is not UTF-8");
      }
      int dims = Byte.toUnsignedInt(b.get());
      if (dims == 0 || dims > MAX_DIMENSIONS) {
        throw new MalformedProbeException("bad dimensions " + dims);
      }
      double[] vector = new double[dims];
      for (int i = 0; i < dims; i++) {
        vector[i] = finite(b.getDouble(), "vector");
      }
      double error = finite(b.getDouble(), "error");
      double adjustment = finite(b.getDouble(), "adjustment");
      double height = finite(b.getDouble(), "height");
      if (b.hasRemaining()) {
        throw new MalformedProbeException(b.remaining() + " trailing bytes");
      }
      return new ProbeMessage(
          type, sequence, sender, new Coordinate(vector, error, adjustment, height));
    } catch (BufferUnderflowException e) {
      throw new MalformedProbeException("truncated datagram of " + length + " bytes");
    }
  }

  private static double finite(double v, String field) throws MalformedProbeException {
    if (!Double.isFinite(v)) {
      throw new MalformedProbeException(field + " is not a finite number");
    }
    return v;
  }
}
