package io.brume.kubernetes;

import java.util.Objects;

/**
 * A Service's pod endpoint and the fraction of this node's traffic it should get.
 *
 * @param pod the endpoint
 * @param weight in [0, 1]; the weights of a route sum to 1
 */
public record WeightedPod(PodEndpoint pod, double weight) {
  public WeightedPod {
    Objects.requireNonNull(pod, "pod");
  }

  /** A pod endpoint at {@code address} on {@code nodeName} (may be null) with this weight. */
  public WeightedPod(String address, String nodeName, double weight) {
    this(new PodEndpoint(address, nodeName), weight);
  }

  /** The pod IP. */
  public String address() {
    return pod.address();
  }

  /** The node the pod runs on, or null. */
  public String nodeName() {
    return pod.nodeName();
  }
}
