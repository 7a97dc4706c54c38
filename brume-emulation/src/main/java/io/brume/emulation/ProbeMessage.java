package io.brume.emulation;

import io.brume.coordinate.Coordinate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A probe datagram: a ping or its pong, naming the sender (the relay hides the source address) and
 * carrying the sender's coordinate, so every probe also spreads coordinates.
 *
 * @param pong false for a ping, true for the answer to one
 * @param sequence the ping's number, echoed by the pong
 * @param sender the sending node's name
 * @param coordinate the sender's current coordinate
 */
record ProbeMessage(boolean pong, long sequence, String sender, Coordinate coordinate) {
  private static final int MAGIC = 0x62726d31; // "brm1"

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeBoolean(pong);
      out.writeLong(sequence);
      out.writeUTF(sender);
      double[] vector = coordinate.vector();
      out.writeByte(vector.length);
      for (double v : vector) {
        out.writeDouble(v);
      }
      out.writeDouble(coordinate.error());
      out.writeDouble(coordinate.adjustment());
      out.writeDouble(coordinate.height());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws IllegalArgumentException if the datagram is not a probe message
   */
  static ProbeMessage decode(byte[] data, int length) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, length))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not a brume probe datagram (bad magic)");
      }
      boolean pong = in.readBoolean();
      long sequence = in.readLong();
      String sender = in.readUTF();
      double[] vector = new double[in.readUnsignedByte()];
      for (int k = 0; k < vector.length; k++) {
        vector[k] = in.readDouble();
      }
      double error = in.readDouble();
      double adjustment = in.readDouble();
      double height = in.readDouble();
      return new ProbeMessage(
          pong, sequence, sender, new Coordinate(vector, error, adjustment, height));
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated probe datagram of " + length + " bytes", e);
    }
  }
}
