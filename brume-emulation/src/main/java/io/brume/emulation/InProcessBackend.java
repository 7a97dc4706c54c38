package io.brume.emulation;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/** The replica answers from the JVM itself: a one-line page naming the replica. */
final class InProcessBackend implements ReplicaBackend {
  private final byte[] page;

  InProcessBackend(String replicaId) {
    this.page = ("served by " + replicaId + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Response serve(URI requestUri) {
    return new Response(200, "text/plain", page);
  }

  @Override
  public String describe() {
    return "in-process";
  }
}
