package io.brume.emulation;

import java.io.IOException;
import java.net.URI;

/**
 * What produces the response to a request a {@link DemoReplica} has admitted. The replica models
 * the capacity (its slots and service time, the utilisation it reports to the routers); the backend
 * only produces the page: {@link InProcessBackend} in the JVM, {@link ContainerReplica} from a real
 * container's HTTP server.
 */
interface ReplicaBackend {

  /** One response: HTTP status, content type (may be null) and body. */
  record Response(int status, String contentType, byte[] body) {}

  /**
   * The response to one admitted request for {@code requestUri}; blocks.
   *
   * @throws IOException when the backend cannot answer (the replica then answers 502)
   */
  Response serve(URI requestUri) throws IOException;

  /** How the backend runs, for logs and the page: {@code "in-process"} or the container's id. */
  String describe();
}
