package io.brume.kubernetes;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A data plane that only remembers the routes: for {@code --dry-run}, for showing what brume would
 * program, and for tests. Counts effective changes so idempotence is observable.
 */
public final class InMemoryDataPlane implements DataPlane {
  private final Map<ServiceKey, ServiceRoute> routes = new ConcurrentHashMap<>();
  private final AtomicLong changes = new AtomicLong();

  @Override
  public void program(ServiceKey service, ServiceRoute route) {
    ServiceRoute previous = routes.put(service, route);
    if (!route.equals(previous)) {
      changes.incrementAndGet();
    }
  }

  @Override
  public void remove(ServiceKey service) {
    if (routes.remove(service) != null) {
      changes.incrementAndGet();
    }
  }

  @Override
  public Set<ServiceKey> programmed() {
    return Set.copyOf(routes.keySet());
  }

  /** The route programmed for {@code service}, if any. */
  public Optional<ServiceRoute> route(ServiceKey service) {
    return Optional.ofNullable(routes.get(service));
  }

  /** How many calls actually changed a route (a repeated identical program does not count). */
  public long changes() {
    return changes.get();
  }
}
