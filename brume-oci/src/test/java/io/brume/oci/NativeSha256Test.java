package io.brume.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NativeSha256Test {
  /** Debian always has libcrypto (systemd needs it; the tests' package list installs openssl). */
  @Test
  void libcryptoIsUsedOnThisMachine() {
    assertThat(NativeSha256.create())
        .as(
            "libcrypto.so.3 (Debian package libssl3, a dependency of openssl in .ci/install-test-deps.sh)")
        .isPresent();
    assertThat(Digest.parse("sha256:" + "0".repeat(64)).newHasher())
        .isInstanceOf(NativeSha256.class);
  }

  @Test
  void agreesWithTheJdkWhateverTheSizesAndChunks() throws Exception {
    Random random = new Random(42);
    MessageDigest hasher = NativeSha256.create().orElseThrow();
    for (int round = 0; round < 200; round++) {
      byte[] data = new byte[random.nextInt(round < 100 ? 300 : 300_000)];
      random.nextBytes(data);
      MessageDigest jdk = MessageDigest.getInstance("SHA-256");
      int at = 0;
      while (at < data.length) {
        int chunk = Math.min(data.length - at, 1 + random.nextInt(70_000));
        switch (random.nextInt(3)) {
          case 0 -> hasher.update(data, at, chunk);
          case 1 -> hasher.update(ByteBuffer.wrap(data, at, chunk));
          default -> {
            for (int i = 0; i < Math.min(chunk, 5); i++) {
              hasher.update(data[at + i]);
            }
            chunk = Math.min(chunk, 5);
          }
        }
        jdk.update(data, at, chunk);
        at += chunk;
      }
      // digest() also resets: the next round starts from an empty hasher
      assertThat(hasher.digest()).as("%d bytes", data.length).isEqualTo(jdk.digest());
    }
  }

  @Test
  void resetForgetsWhatWasHashed() {
    MessageDigest hasher = NativeSha256.create().orElseThrow();
    hasher.update(new byte[] {1, 2, 3});
    hasher.reset();
    assertThat(Digest.fromHash("sha256", hasher.digest("abc".getBytes())).encoded())
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
