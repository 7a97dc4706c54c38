package io.brume.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every object in deploy/ parses with fabric8, and the RBAC grants exactly what the code uses. */
class DeployManifestsTest {
  private static final Path BASE = Path.of("..", "deploy", "base");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Map<String, HasMetadata> OBJECTS = new HashMap<>();

  @BeforeAll
  static void parse() throws IOException {
    try (Stream<Path> files = Files.list(BASE)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".yaml") || name.equals("kustomization.yaml")) {
          continue;
        }
        HasMetadata object = SERIALIZATION.unmarshal(Files.readString(file));
        OBJECTS.put(name, object);
      }
    }
  }

  @SuppressWarnings("unchecked")
  @Test
  void everyManifestParsesAsATypedObjectAndKustomizationListsThemAll() throws IOException {
    assertThat(OBJECTS).isNotEmpty();
    OBJECTS.forEach(
        (file, object) -> {
          assertThat(object).as(file).isNotInstanceOf(GenericKubernetesResource.class);
          assertThat(object.getMetadata().getName()).as(file).isNotBlank();
        });
    GenericKubernetesResource kustomization =
        SERIALIZATION.unmarshal(
            Files.readString(BASE.resolve("kustomization.yaml")), GenericKubernetesResource.class);
    List<String> resources =
        (List<String>) kustomization.getAdditionalProperties().get("resources");
    assertThat(resources).containsExactlyInAnyOrderElementsOf(OBJECTS.keySet());
  }

  private static <T> T only(Class<T> type) {
    List<T> found = OBJECTS.values().stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as("one %s in deploy/base", type.getSimpleName()).hasSize(1);
    return found.getFirst();
  }

  private static Set<String> grants(ClusterRole role) {
    Set<String> grants = new HashSet<>();
    for (PolicyRule rule : role.getRules()) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            grants.add(group + "/" + resource + ":" + verb);
          }
        }
      }
    }
    return grants;
  }

  @Test
  void clusterRoleGrantsExactlyTheVerbsTheCodeUses() {
    Set<String> used = new HashSet<>();
    for (KubernetesApiUse use : KubernetesApiUse.ALL) {
      for (String verb : use.verbs()) {
        used.add(use.apiGroup() + "/" + use.resource() + ":" + verb);
      }
    }

    Set<String> granted = grants(only(ClusterRole.class));

    assertThat(granted).as("RBAC covers every API use").containsAll(used);
    assertThat(used).as("RBAC grants nothing the code does not use").containsAll(granted);
    assertThat(granted).noneMatch(g -> g.contains("*"));
  }

  @Test
  void workloadsRunAsTheBoundServiceAccount() {
    ServiceAccount account = only(ServiceAccount.class);
    ClusterRoleBinding binding = only(ClusterRoleBinding.class);
    assertThat(binding.getRoleRef().getName())
        .isEqualTo(only(ClusterRole.class).getMetadata().getName());
    assertThat(binding.getSubjects())
        .anySatisfy(
            s -> {
              assertThat(s.getName()).isEqualTo(account.getMetadata().getName());
              assertThat(s.getNamespace()).isEqualTo(account.getMetadata().getNamespace());
            });
    DaemonSet agent = only(DaemonSet.class);
    assertThat(agent.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(account.getMetadata().getName());
    assertThat(agent.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv())
        .anySatisfy(
            e ->
                assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                    .isEqualTo("spec.nodeName"));
    Deployment extender = only(Deployment.class);
    assertThat(extender.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(account.getMetadata().getName());
    assertThat(extender.getSpec().getTemplate().getSpec().getContainers().getFirst().getArgs())
        .containsSubsequence("scheduler-extender", "--listen");
  }

  @Test
  void theAgentGetsItsNodeNameFlagAndOnlySettingsTheCodeReads() {
    DaemonSet agent = only(DaemonSet.class);
    var container = agent.getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertThat(container.getArgs()).containsExactly("agent", "--kubernetes");
    assertThat(container.getEnv())
        .filteredOn(e -> e.getName().equals(KubernetesAgentSettings.NODE_NAME))
        .extracting(EnvVar::getValueFrom)
        .singleElement()
        .satisfies(v -> assertThat(v.getFieldRef().getFieldPath()).isEqualTo("spec.nodeName"));
    ConfigMap settings = only(ConfigMap.class);
    assertThat(container.getEnvFrom())
        .anySatisfy(
            f ->
                assertThat(f.getConfigMapRef().getName())
                    .isEqualTo(settings.getMetadata().getName()));
    assertThat(KubernetesAgentSettings.VARIABLES).containsAll(settings.getData().keySet());
    assertThat(KubernetesAgentSettings.fromEnvironment(settings.getData()))
        .as("the ConfigMap's values parse")
        .isNotNull();
  }
}
