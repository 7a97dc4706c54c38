package io.brume.kubernetes;

/**
 * One ready endpoint of a Service: a pod address and the node it runs on.
 *
 * @param address the pod IP
 * @param nodeName the node, or null if the EndpointSlice does not say
 */
public record ReadyEndpoint(String address, String nodeName) {}
