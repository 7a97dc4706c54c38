/**
 * Data planes for proximity-aware service routing.
 *
 * <p>Two implementations share one model ({@link io.brume.proxy.Endpoint}, weights or an {@link
 * io.brume.proxy.EndpointChooser}):
 *
 * <ul>
 *   <li>{@link io.brume.proxy.ProxyServer}: a blocking user-space proxy on virtual threads, either
 *       L4 (one choice per TCP connection) or L7 HTTP/1.1 (one choice per request), with active
 *       health checks, outlier ejection, retries of idempotent requests and graceful draining.
 *   <li>{@link io.brume.proxy.IptablesDataPlane}: kube-proxy-style NAT chains rendered by {@link
 *       io.brume.proxy.IptablesRules} and applied atomically with {@code iptables-restore}.
 * </ul>
 */
package io.brume.proxy;
