/**
 * The Kubernetes scheduler extender (v1 HTTP API): filters and scores nodes by their estimated
 * latency to where a Service's demand comes from and by their load.
 */
package io.brume.kubernetes.extender;
