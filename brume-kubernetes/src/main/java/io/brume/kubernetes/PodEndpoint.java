package io.brume.kubernetes;

/**
 * One ready endpoint of a Service as its EndpointSlice gives it: a pod address and the node it runs
 * on. The Kubernetes layer's only endpoint type; the router sees it as a {@link
 * io.brume.router.ServiceReplica} and the kernel data plane as a {@link io.brume.proxy.Endpoint} on
 * a target port.
 *
 * @param address the pod IP
 * @param nodeName the node, or null if the EndpointSlice does not say
 */
public record PodEndpoint(String address, String nodeName) {}
