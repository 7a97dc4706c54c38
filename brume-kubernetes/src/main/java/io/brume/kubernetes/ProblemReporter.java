package io.brume.kubernetes;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.InstantSource;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a bad brume annotation on an object as a Kubernetes Warning Event (visible in {@code
 * kubectl describe}), once per object version and message so resyncs do not flood the API server.
 * If the Event cannot be created the problem is logged instead, still once.
 */
public final class ProblemReporter {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemReporter.class);

  /** The Event reason for invalid annotations. */
  public static final String REASON = "InvalidBrumeAnnotation";

  private final KubernetesClient client;
  private final String component;
  private final InstantSource clock;
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  public ProblemReporter(KubernetesClient client, String component, InstantSource clock) {
    this.client = client;
    this.component = component;
    this.clock = clock;
  }

  /** Reports {@code message} about {@code object} unless already reported for this generation. */
  public void report(HasMetadata object, String message) {
    String namespace = object.getMetadata().getNamespace();
    String name = object.getMetadata().getName();
    String once =
        object.getKind()
            + '/'
            + namespace
            + '/'
            + name
            + '/'
            + object.getMetadata().getUid()
            + '/'
            + message;
    if (!reported.add(once)) {
      return;
    }
    String now = clock.instant().toString();
    try {
      client
          .v1()
          .events()
          .inNamespace(namespace)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withNamespace(namespace)
                  .withName(name + "." + UUID.randomUUID().toString().substring(0, 8))
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion(object.getApiVersion())
                  .withKind(object.getKind())
                  .withNamespace(namespace)
                  .withName(name)
                  .withUid(object.getMetadata().getUid())
                  .endInvolvedObject()
                  .withType("Warning")
                  .withReason(REASON)
                  .withMessage(message)
                  .withNewSource()
                  .withComponent(component)
                  .endSource()
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .build())
          .create();
      LOG.info("{} {}/{}: {}", object.getKind(), namespace, name, message);
    } catch (KubernetesClientException e) {
      LOG.warn(
          "{} {}/{}: {} (could not record an Event: {})",
          object.getKind(),
          namespace,
          name,
          message,
          e.getMessage());
    }
  }
}
