package io.brume.kubernetes;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's nodes as brume peers, served from an informer cache (verbs {@code list} and {@code
 * watch} on {@code nodes}): a node added to the cluster becomes a peer, a deleted one disappears,
 * and reading peers never calls the API server.
 *
 * <p>Lifecycle follows fabric8#3468: the constructor builds the informer without starting it,
 * listeners are added, then {@link #start()} runs it, so no event is missed.
 */
public final class PeerDirectory implements AutoCloseable {
  private final SharedIndexInformer<Node> informer;
  private final NodeAnnotationReader reader = new NodeAnnotationReader();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public PeerDirectory(KubernetesClient client, Duration resync) {
    Objects.requireNonNull(client, "client");
    this.informer = client.nodes().runnableInformer(resync.toMillis());
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Node node) {
            changed();
          }

          @Override
          public void onUpdate(Node oldNode, Node newNode) {
            // Status heartbeats update Nodes every few seconds; only what brume reads matters.
            if (!reader.read(oldNode).equals(reader.read(newNode))) {
              changed();
            }
          }

          @Override
          public void onDelete(Node node, boolean deletedFinalStateUnknown) {
            changed();
          }
        });
  }

  /**
   * Runs {@code listener} (briefly, on the informer thread) whenever a peer appears, goes or
   * changes.
   */
  public void addListener(Runnable listener) {
    listeners.add(listener);
  }

  private void changed() {
    for (Runnable listener : listeners) {
      listener.run();
    }
  }

  /** Starts the informer and waits up to {@code timeout} for the first list. */
  public void start(Duration timeout) {
    try {
      informer.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing nodes", e);
    } catch (Exception e) {
      throw new IllegalStateException("could not list nodes within " + timeout + ": " + e, e);
    }
  }

  /** Every known node, by name, from the cache. */
  public Map<String, PeerNode> peers() {
    return reader.readAll(informer.getStore().list());
  }

  /**
   * Every known node's {@code InternalIP} by node name (nodes without one are left out), from the
   * cache: where the agent on that node listens for RTT probes, since agents run in the host
   * network. Read it again when a listener fires.
   */
  public Map<String, String> internalAddresses() {
    return internalAddresses(informer.getStore().list());
  }

  /** The {@code InternalIP} of each of {@code nodes} by node name (nodes without one left out). */
  public static Map<String, String> internalAddresses(Collection<Node> nodes) {
    Map<String, String> addresses = new TreeMap<>();
    for (Node node : nodes) {
      if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
        continue;
      }
      for (NodeAddress address : node.getStatus().getAddresses()) {
        if ("InternalIP".equals(address.getType()) && address.getAddress() != null) {
          addresses.putIfAbsent(node.getMetadata().getName(), address.getAddress());
        }
      }
    }
    return addresses;
  }

  @Override
  public void close() {
    informer.close();
  }
}
