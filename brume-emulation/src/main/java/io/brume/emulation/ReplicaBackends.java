package io.brume.emulation;

import io.brume.pull.BundleExporter;
import io.brume.store.ContentStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where each replica host's pages come from once its node has the demo image: a real container (the
 * image exported to an OCI bundle from the node's own store and run by crun, {@link
 * ContainerReplica}) when {@link ReplicaRuntime} finds root and crun, else in-process. One backend
 * per host serves the replicas of both routing lanes. Owns the containers: {@link #close} deletes
 * them.
 */
final class ReplicaBackends implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ReplicaBackends.class.getName());

  private final ReplicaRuntime runtime;
  private final Path bundles;
  private final List<ContainerReplica> containers = new ArrayList<>();
  private volatile String description;
  private boolean closed;

  /**
   * @param runtime what this machine can run
   * @param bundles where the hosts' bundles go (one directory per host; the caller deletes it)
   */
  ReplicaBackends(ReplicaRuntime runtime, Path bundles) {
    this.runtime = runtime;
    this.bundles = bundles;
    this.description = runtime.description();
  }

  /** What the page says about how the replicas run. */
  String description() {
    return description;
  }

  /**
   * The backend of {@code host}'s replicas, its image {@code reference} committed in {@code store}.
   * A container that cannot be started leaves the host in-process, and the description says why.
   */
  ReplicaBackend forHost(String host, ContentStore store, String reference) {
    InProcessBackend inProcess = new InProcessBackend("demo@" + host);
    if (!runtime.containers()) {
      return inProcess;
    }
    try {
      Path bundle = bundles.resolve(host);
      Files.createDirectories(bundles);
      new BundleExporter(store).export(reference, bundle);
      ReplicaRuntime forImage = runtime.forBundle(bundle);
      if (!forImage.containers()) {
        description = forImage.description();
        return inProcess;
      }
      ContainerReplica container =
          ContainerReplica.start(forImage.crun().orElseThrow(), bundle, host, 0);
      synchronized (this) {
        if (closed) {
          container.close();
          return inProcess;
        }
        containers.add(container);
      }
      return container;
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "replica on {0} runs in-process: {1}", new Object[] {host, e});
      description = "in-process (the container of " + host + " failed: " + e.getMessage() + ")";
      return inProcess;
    }
  }

  /** Deletes every container started (each {@code crun delete --force}). */
  @Override
  public void close() {
    List<ContainerReplica> started;
    synchronized (this) {
      closed = true;
      started = List.copyOf(containers);
      containers.clear();
    }
    for (ContainerReplica container : started) {
      try {
        container.close();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "cannot delete a replica container: {0}", e.getMessage());
      }
    }
  }
}
