package io.brume.kubernetes;

/**
 * An endpoint and the fraction of this node's traffic it should get.
 *
 * @param address the pod IP
 * @param nodeName the node it runs on (may be null)
 * @param weight in [0, 1]; the weights of a route sum to 1
 */
public record WeightedEndpoint(String address, String nodeName, double weight) {}
