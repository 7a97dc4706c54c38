package io.brume.kubernetes;

import java.util.Objects;

/**
 * A Service's identity, {@code namespace/name} as in informer store keys and demand annotations.
 *
 * @param namespace the namespace
 * @param name the Service name
 */
public record ServiceKey(String namespace, String name) {
  public ServiceKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  /** Parses {@code namespace/name}. */
  public static ServiceKey parse(String key) {
    int slash = key.indexOf('/');
    if (slash <= 0 || slash == key.length() - 1 || key.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException("service key must be namespace/name, got: " + key);
    }
    return new ServiceKey(key.substring(0, slash), key.substring(slash + 1));
  }

  @Override
  public String toString() {
    return namespace + '/' + name;
  }
}
