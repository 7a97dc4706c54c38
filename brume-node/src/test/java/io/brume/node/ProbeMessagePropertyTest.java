package io.brume.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.brume.coordinate.Coordinate;
import io.brume.node.ProbeMessage.MalformedProbeException;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The probe datagram arrives from anyone on the network: whatever the bytes, {@link
 * ProbeMessage#decode} returns a message with finite numbers or throws {@link
 * MalformedProbeException}, quickly; every message encodes and decodes to itself.
 */
class ProbeMessagePropertyTest {
  private static final Duration BOUND = Duration.ofSeconds(2);

  @Property(tries = 500)
  void arbitraryDatagramsAreAMessageOrMalformed(
      @ForAll @Size(max = ProbeMessage.MAX_SIZE + 64) byte[] datagram) {
    decodesOrRejects(datagram, 0, datagram.length);
  }

  @Property(tries = 500)
  void damagedMessagesAreAMessageOrMalformed(
      @ForAll("messages") ProbeMessage message,
      @ForAll @IntRange(min = 0, max = 2000) int at,
      @ForAll byte value,
      @ForAll @IntRange(min = -8, max = 8) int lengthChange) {
    byte[] bytes = message.encode();
    bytes[at % bytes.length] = value;
    byte[] framed = new byte[bytes.length + 8];
    System.arraycopy(bytes, 0, framed, 4, bytes.length);
    int length = Math.max(0, Math.min(framed.length - 4, bytes.length + lengthChange));
    decodesOrRejects(framed, 4, length);
  }

  @Property(tries = 300)
  void messagesRoundTrip(@ForAll("messages") ProbeMessage message) throws Exception {
    byte[] bytes = message.encode();
    assertThat(bytes.length).isLessThanOrEqualTo(ProbeMessage.MAX_SIZE);
    assertThat(ProbeMessage.decode(bytes, 0, bytes.length)).isEqualTo(message);
  }

  private static void decodesOrRejects(byte[] data, int offset, int length) {
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          try {
            ProbeMessage m = ProbeMessage.decode(data, offset, length);
            Coordinate c = m.coordinate();
            assertThat(c.dimensions()).isBetween(1, ProbeMessage.MAX_DIMENSIONS);
            for (double v : c.vector()) {
              assertThat(Double.isFinite(v)).isTrue();
            }
            assertThat(
                    java.util.stream.DoubleStream.of(c.error(), c.adjustment(), c.height())
                        .allMatch(Double::isFinite))
                .isTrue();
            assertThat(m.sender()).isNotEmpty();
          } catch (MalformedProbeException rejected) {
            assertThat(rejected.getMessage()).isNotBlank();
          }
        });
  }

  @Provide
  Arbitrary<ProbeMessage> messages() {
    Arbitrary<String> names =
        Arbitraries.strings()
            .ofMinLength(1)
            .ofMaxLength(16)
            .filter(
                s -> {
                  byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                  return utf8.length <= ProbeMessage.MAX_NAME_BYTES
                      && new String(utf8, java.nio.charset.StandardCharsets.UTF_8).equals(s);
                });
    Arbitrary<Double> finite = Arbitraries.doubles().between(-1e6, 1e6);
    Arbitrary<Coordinate> coordinates =
        Combinators.combine(
                finite.array(double[].class).ofMinSize(1).ofMaxSize(ProbeMessage.MAX_DIMENSIONS),
                Arbitraries.doubles().between(0, 10),
                finite,
                Arbitraries.doubles().between(0, 1e4))
            .as(Coordinate::new);
    return Combinators.combine(
            Arbitraries.of(ProbeMessage.Type.class), Arbitraries.longs(), names, coordinates)
        .as(ProbeMessage::new);
  }
}
