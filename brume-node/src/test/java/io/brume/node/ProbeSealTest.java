package io.brume.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.coordinate.Coordinate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeSealTest {
  private static final String K1 = "k1-0123456789abcdef-first-key";
  private static final String K2 = "k2-fedcba9876543210-second-key";
  private static final Duration WINDOW = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-12-06T07:00:00Z"));
  private final InstantSource clock = () -> now.get();

  private ProbeSeal seal(String sub, String current, String previous) throws Exception {
    Path d = Files.createDirectories(dir.resolve(sub));
    Files.writeString(d.resolve("current"), current + "\n");
    if (previous != null) {
      Files.writeString(d.resolve("previous"), previous);
    }
    return new ProbeSeal(ProbeKeyring.load(d, clock, Duration.ofSeconds(10)), clock, WINDOW);
  }

  private static ProbeMessage ping(long seq) {
    return new ProbeMessage(
        ProbeMessage.Type.PING, seq, "edge-1", new Coordinate(new double[] {1, 2}, 0.5, 0.1, 3));
  }

  private static ProbeSeal.Refusal refusal(ProbeSeal s, byte[] d) {
    try {
      s.open(d, d.length);
      return null;
    } catch (ProbeSeal.RefusedException e) {
      return e.refusal;
    } catch (ProbeMessage.MalformedProbeException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void sealedMessage_opensOnce_andAReplayIsRefused() throws Exception {
    ProbeSeal a = seal("a", K1, null);
    ProbeSeal b = seal("b", K1, null);
    byte[] d = a.seal(ping(7));
    assertThat(d).hasSize(ping(7).encode().length + ProbeSeal.OVERHEAD);
    assertThat(b.open(d, d.length)).isEqualTo(ping(7));
    assertThat(refusal(b, d)).isEqualTo(ProbeSeal.Refusal.REPLAYED);
    assertThat(refusal(b, a.seal(ping(8)))).isNull();
  }

  @Test
  void anyChangedBit_orAnotherKey_isUnauthenticated() throws Exception {
    ProbeSeal a = seal("a", K1, null);
    ProbeSeal other = seal("o", K2, null);
    ProbeSeal b = seal("b", K1, null);
    byte[] d = a.seal(ping(1));
    assertThat(refusal(other, d)).isEqualTo(ProbeSeal.Refusal.UNAUTHENTICATED);
    for (int i = 0; i < d.length; i++) {
      byte[] t = d.clone();
      t[i] ^= 0x01;
      assertThat(refusal(b, t))
          .as("byte %d flipped", i)
          .isEqualTo(ProbeSeal.Refusal.UNAUTHENTICATED);
    }
    assertThat(refusal(b, d)).isNull();
    byte[] plain = ping(2).encode();
    assertThat(refusal(other, plain)).isEqualTo(ProbeSeal.Refusal.UNAUTHENTICATED);
    assertThat(refusal(other, new byte[3])).isEqualTo(ProbeSeal.Refusal.UNAUTHENTICATED);
  }

  @Test
  void oldOrFutureTimestamps_areRefused() throws Exception {
    ProbeSeal b = seal("b", K1, null);
    ProbeSeal a = seal("a", K1, null);
    byte[] recorded = a.seal(ping(1));
    now.set(now.get().plusSeconds(31));
    assertThat(refusal(b, recorded)).isEqualTo(ProbeSeal.Refusal.REPLAYED);
    byte[] fromTheFuture = a.seal(ping(2));
    now.set(now.get().minusSeconds(62));
    assertThat(refusal(b, fromTheFuture)).isEqualTo(ProbeSeal.Refusal.REPLAYED);
  }

  @Test
  void rotation_twoStepsKeepEveryPairTalking() throws Exception {
    // Before: everyone on K1. Step 1: K2 added as "previous" (accepted, not sent) on some nodes.
    ProbeSeal old = seal("old", K1, null);
    ProbeSeal step1 = seal("s1", K1, K2);
    // Step 2: K2 current, K1 previous on some nodes while others are still at step 1.
    ProbeSeal step2 = seal("s2", K2, K1);
    ProbeSeal[] all = {old, step1, step2};
    long seq = 0;
    for (ProbeSeal from : new ProbeSeal[] {old, step1}) {
      for (ProbeSeal to : all) {
        assertThat(refusal(to, from.seal(ping(++seq)))).isNull();
      }
    }
    assertThat(refusal(step1, step2.seal(ping(++seq)))).isNull();
    assertThat(refusal(step2, step2.seal(ping(++seq)))).isNull();
    // A node still on K1 alone cannot read a step-2 node: that is why step 1 comes first.
    assertThat(refusal(old, step2.seal(ping(++seq)))).isEqualTo(ProbeSeal.Refusal.UNAUTHENTICATED);
  }

  @Test
  void keyFiles_areReloaded_andBadOnesNamed() throws Exception {
    Path d = Files.createDirectories(dir.resolve("r"));
    Files.writeString(d.resolve("current"), K1);
    ProbeKeyring ring = ProbeKeyring.load(d, clock, Duration.ofSeconds(10));
    assertThat(ring.keys()).hasSize(1);
    Files.writeString(d.resolve("current"), K2);
    Files.writeString(d.resolve("previous"), K1);
    assertThat(new String(ring.keys().get(0))).isEqualTo(K1);
    now.set(now.get().plusSeconds(10));
    assertThat(ring.keys()).extracting(String::new).containsExactly(K2, K1);
    Files.writeString(d.resolve("current"), "short");
    now.set(now.get().plusSeconds(10));
    assertThat(ring.keys())
        .extracting(String::new)
        .as("keeps the last good keys")
        .containsExactly(K2, K1);

    assertThatThrownBy(() -> ProbeKeyring.load(d, clock, Duration.ofSeconds(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(d.resolve("current").toString())
        .hasMessageContaining("at least 16");
    assertThatThrownBy(() -> ProbeKeyring.load(dir.resolve("none"), clock, Duration.ofSeconds(10)))
        .hasMessageContaining("does not exist");
  }
}
