package io.brume.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.coordinate.Coordinate;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProbeMessageTest {
  private static final Coordinate C = new Coordinate(new double[] {1.5, -2.25, 3}, 0.4, -0.5, 0.01);

  @Test
  void roundTrips() throws Exception {
    ProbeMessage m = new ProbeMessage(ProbeMessage.Type.PONG, 42L, "édge-1", C);
    byte[] bytes = m.encode();
    assertThat(bytes.length).isLessThanOrEqualTo(ProbeMessage.MAX_SIZE);
    assertThat(ProbeMessage.decode(bytes, 0, bytes.length)).isEqualTo(m);
  }

  @Test
  void rejectsEveryKindOfMalformedDatagram() {
    byte[] good = new ProbeMessage(ProbeMessage.Type.PING, 1, "a", C).encode();
    assertMalformed(new byte[0], "truncated");
    assertMalformed(java.util.Arrays.copyOf(good, good.length - 1), "truncated");
    assertMalformed(java.util.Arrays.copyOf(good, good.length + 1), "trailing");
    byte[] magic = good.clone();
    magic[0] = 'X';
    assertMalformed(magic, "magic");
    byte[] version = good.clone();
    version[4] = 2;
    assertMalformed(version, "version 2");
    byte[] type = good.clone();
    type[5] = 9;
    assertMalformed(type, "unknown type 9");
    byte[] name = good.clone();
    name[14] = 0;
    assertMalformed(name, "name length");
    byte[] utf = good.clone();
    utf[15] = (byte) 0xff;
    assertMalformed(utf, "UTF-8");
    byte[] dims = good.clone();
    dims[16] = 0;
    assertMalformed(dims, "dimensions");
    byte[] nan = good.clone();
    ByteBuffer.wrap(nan).putDouble(17, Double.NaN);
    assertMalformed(nan, "not a finite number");
    byte[] inf = good.clone();
    ByteBuffer.wrap(inf).putDouble(inf.length - 8, Double.POSITIVE_INFINITY);
    assertMalformed(inf, "height");
    assertMalformed(new byte[ProbeMessage.MAX_SIZE + 1], "larger than");
  }

  @Test
  void randomGarbageNeverThrowsAnythingElse() {
    SplittableRandom r = new SplittableRandom(3);
    byte[] good = new ProbeMessage(ProbeMessage.Type.PING, 1, "a", C).encode();
    for (int i = 0; i < 20_000; i++) {
      byte[] b = i % 2 == 0 ? new byte[r.nextInt(200)] : good.clone();
      if (i % 2 == 0) {
        r.nextBytes(b);
      } else {
        b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
      }
      try {
        ProbeMessage m = ProbeMessage.decode(b, 0, b.length);
        assertThat(m.coordinate().isValid()).isTrue();
      } catch (ProbeMessage.MalformedProbeException expected) {
        // counted and dropped by the agent
      }
    }
  }

  @Test
  void constructorRejectsBadNames() {
    assertThatThrownBy(() -> new ProbeMessage(ProbeMessage.Type.PING, 1, "", C))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ProbeMessage(ProbeMessage.Type.PING, 1, "x".repeat(65), C))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertMalformed(byte[] b, String why) {
    assertThatThrownBy(() -> ProbeMessage.decode(b, 0, b.length))
        .isInstanceOf(ProbeMessage.MalformedProbeException.class)
        .hasMessageContaining(why);
  }
}
