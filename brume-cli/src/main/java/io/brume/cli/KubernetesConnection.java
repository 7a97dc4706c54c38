package io.brume.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Kubernetes client of the commands that talk to a cluster, checked before use: a cluster that
 * cannot be reached is one line naming the API server and where its address came from, at once,
 * instead of fabric8's retries and stack traces and a timeout 21 s later.
 */
final class KubernetesConnection {
  private static final int CONNECT_TIMEOUT_MILLIS = 3_000;

  private KubernetesConnection() {}

  /**
   * A client for the configured cluster (in-cluster service account or kubeconfig, as fabric8 finds
   * them), after checking that its API server accepts connections.
   *
   * @throws UserException if it does not
   */
  static KubernetesClient open() {
    KubernetesClient client = new KubernetesClientBuilder().build();
    String server = client.getConfiguration().getMasterUrl();
    try {
      URI uri = URI.create(server);
      int port = uri.getPort() > 0 ? uri.getPort() : "http".equals(uri.getScheme()) ? 80 : 443;
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(uri.getHost(), port), CONNECT_TIMEOUT_MILLIS);
      }
    } catch (IOException | IllegalArgumentException e) {
      client.close();
      throw new UserException(
          "cannot reach the Kubernetes API server "
              + server
              + " (from "
              + source(System.getenv(), Path.of(System.getProperty("user.home")))
              + "): "
              + Errors.describe(e)
              + "; point KUBECONFIG at the cluster's kubeconfig, or run inside the cluster",
          e);
    }
    return client;
  }

  /** Fails with a line naming the server and the source when {@code action} cannot be done. */
  static UserException failed(KubernetesClient client, String action, Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return new UserException(
        action
            + " on the Kubernetes API server "
            + client.getConfiguration().getMasterUrl()
            + " (from "
            + source(System.getenv(), Path.of(System.getProperty("user.home")))
            + ") failed: "
            + Errors.describe(root),
        e);
  }

  /** Where fabric8 took the cluster's address from, in its order of precedence. */
  static String source(Map<String, String> env, Path home) {
    if (System.getProperty(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY) != null
        || env.get("KUBERNETES_MASTER") != null) {
      return "KUBERNETES_MASTER";
    }
    String kubeconfig = env.get("KUBECONFIG");
    if (kubeconfig != null && !kubeconfig.isBlank()) {
      return "KUBECONFIG=" + kubeconfig;
    }
    if (env.get("KUBERNETES_SERVICE_HOST") != null
        && Files.exists(Path.of(Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH))) {
      return "the in-cluster service account";
    }
    Path config = home.resolve(".kube/config");
    return Files.exists(config)
        ? config.toString()
        : "fabric8's default, as no kubeconfig was found (KUBECONFIG unset, no " + config + ")";
  }
}
