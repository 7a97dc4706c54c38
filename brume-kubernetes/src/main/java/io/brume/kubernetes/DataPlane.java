package io.brume.kubernetes;

import java.util.Set;

/**
 * This node's data plane as the routing controller sees it: {@link KernelDataPlane} (brume-proxy's
 * iptables chains) in the agent, {@link InMemoryDataPlane} in tests. Every method is idempotent:
 * programming the same route twice, or removing an absent one, changes nothing.
 */
public interface DataPlane {
  /** Makes traffic to {@code service} follow {@code route}, replacing any previous route. */
  void program(ServiceKey service, ServiceRoute route);

  /** Removes brume's rules for {@code service}; the node falls back to kube-proxy's. */
  void remove(ServiceKey service);

  /** The Services brume currently has rules for. */
  Set<ServiceKey> programmed();

  /** Removes every rule brume installed (clean shutdown). */
  default void removeAll() {
    for (ServiceKey service : Set.copyOf(programmed())) {
      remove(service);
    }
  }
}
