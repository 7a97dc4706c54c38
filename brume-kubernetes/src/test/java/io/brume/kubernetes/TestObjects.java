package io.brume.kubernetes;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import java.util.Map;

/** Kubernetes objects as the API server would hold them, for the controller tests. */
final class TestObjects {
  private TestObjects() {}

  static NodeCoordinate at(double x, double y) {
    return new NodeCoordinate(new double[] {x, y}, 0.0, 0.0, 0.1);
  }

  static Node node(String name, NodeCoordinate coordinate) {
    NodeBuilder builder =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus();
    if (coordinate != null) {
      builder
          .editMetadata()
          .addToAnnotations(BrumeAnnotations.COORDINATE, coordinate.toJson())
          .endMetadata();
    }
    return builder.build();
  }

  static Service service(String namespace, String name, Map<String, String> annotations) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withClusterIP("10.96.0.10")
        .addNewPort()
        .withName("http")
        .withProtocol("TCP")
        .withPort(80)
        .endPort()
        .endSpec()
        .build();
  }

  static Endpoint endpoint(String address, String node, boolean ready) {
    return new EndpointBuilder()
        .withAddresses(address)
        .withNodeName(node)
        .withNewConditions()
        .withReady(ready)
        .endConditions()
        .build();
  }

  static EndpointSlice slice(String namespace, String service, List<Endpoint> endpoints) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(service + "-abcde")
        .addToLabels(BrumeAnnotations.SERVICE_NAME_LABEL, service)
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort()
        .withName("http")
        .withProtocol("TCP")
        .withPort(8080)
        .endPort()
        .withEndpoints(endpoints)
        .build();
  }
}
