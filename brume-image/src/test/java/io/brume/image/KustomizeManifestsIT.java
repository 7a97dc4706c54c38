package io.brume.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.testing.Commands;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl kustomize deploy/base} renders manifests that run the image build.sh builds (its
 * tag is the project version), that parse into fabric8's Kubernetes types without a single field
 * the types do not know, and whose workloads have probes and only the capabilities they need.
 */
class KustomizeManifestsIT {
  private static final Path BASE = Path.of("..", "deploy", "base").toAbsolutePath().normalize();
  private static final String IMAGE =
      System.getProperty("brume.image.name") + ":" + System.getProperty("brume.version");

  /** The agent's HTTP API in the DaemonSet: AgentCommand.KUBERNETES_HTTP (127.0.0.1:7947). */
  private static final int AGENT_HTTP_PORT = 7947;

  private static final List<HasMetadata> OBJECTS = new ArrayList<>();

  @BeforeAll
  static void render() {
    Tools.require(false, List.of("kubectl=kubernetes-client"));
    List<String> command = List.of("kubectl", "kustomize", BASE.toString());
    String rendered = Commands.run(command, Duration.ofMinutes(2)).requireSuccess(command).output();
    KubernetesSerialization serialization = new KubernetesSerialization();
    for (String document : rendered.split("(?m)^---$")) {
      if (!document.isBlank()) {
        OBJECTS.add(serialization.unmarshal(document));
      }
    }
  }

  private static <T> T only(Class<T> type) {
    List<T> found = OBJECTS.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as("one %s", type.getSimpleName()).hasSize(1);
    return found.getFirst();
  }

  private static Container agent() {
    return only(DaemonSet.class).getSpec().getTemplate().getSpec().getContainers().getFirst();
  }

  private static Container extender() {
    return only(Deployment.class).getSpec().getTemplate().getSpec().getContainers().getFirst();
  }

  @Test
  void everyRenderedObjectIsATypedObjectWithoutUnknownFields() {
    assertThat(OBJECTS).hasSizeGreaterThanOrEqualTo(8);
    List<String> unknown = new ArrayList<>();
    for (HasMetadata object : OBJECTS) {
      assertThat(object).isNotInstanceOf(GenericKubernetesResource.class);
      collectUnknownFields(
          object, object.getKind() + "/" + object.getMetadata().getName(), unknown);
    }
    assertThat(unknown).as("fields the Kubernetes types do not have").isEmpty();
  }

  @Test
  void theWorkloadsRunTheBuiltTag() {
    List<String> images = new ArrayList<>();
    for (HasMetadata object : OBJECTS) {
      PodSpec pod = null;
      if (object instanceof DaemonSet daemonSet) {
        pod = daemonSet.getSpec().getTemplate().getSpec();
      } else if (object instanceof Deployment deployment) {
        pod = deployment.getSpec().getTemplate().getSpec();
      }
      if (pod != null) {
        pod.getContainers().forEach(c -> images.add(c.getImage()));
      }
    }
    assertThat(images).hasSize(2).containsOnly(IMAGE);
  }

  @Test
  void bothWorkloadsHaveLivenessAndReadinessProbesOnHealthz() {
    for (Probe probe : List.of(agent().getLivenessProbe(), agent().getReadinessProbe())) {
      assertThat(probe.getHttpGet().getPath()).isEqualTo("/healthz");
      assertThat(probe.getHttpGet().getHost()).isEqualTo("127.0.0.1");
      assertThat(probe.getHttpGet().getPort().getIntVal()).isEqualTo(AGENT_HTTP_PORT);
    }
    for (Probe probe : List.of(extender().getLivenessProbe(), extender().getReadinessProbe())) {
      assertThat(probe.getHttpGet().getPath()).isEqualTo("/healthz");
      assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
    }
  }

  @Test
  void eachWorkloadGetsOnlyTheCapabilitiesItNeeds() {
    Capabilities agent = agent().getSecurityContext().getCapabilities();
    assertThat(agent.getDrop()).containsExactly("ALL");
    assertThat(agent.getAdd()).containsExactlyInAnyOrder("NET_ADMIN", "NET_RAW");
    assertThat(agent().getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(agent().getSecurityContext().getReadOnlyRootFilesystem()).isTrue();

    var extender = extender().getSecurityContext();
    assertThat(extender.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(extender.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(extender.getRunAsNonRoot()).isTrue();
    assertThat(extender.getRunAsUser()).as("the image's user").isEqualTo(65532L);
    assertThat(extender.getReadOnlyRootFilesystem()).isTrue();
  }

  /** Walks a fabric8 model object; any non-empty {@code additionalProperties} is a stray field. */
  private static void collectUnknownFields(Object value, String path, List<String> unknown) {
    if (value instanceof Collection<?> items) {
      int index = 0;
      for (Object item : items) {
        collectUnknownFields(item, path + "[" + index++ + "]", unknown);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((key, item) -> collectUnknownFields(item, path + "." + key, unknown));
      return;
    }
    if (value == null
        || !value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object field;
      try {
        field = getter.invoke(value);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue; // a derived getter (e.g. Quantity's numerical amount), not a field
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
          unknown.add(path + ": " + extra.keySet());
        }
      } else {
        collectUnknownFields(field, path + "." + getter.getName().substring(3), unknown);
      }
    }
  }
}
