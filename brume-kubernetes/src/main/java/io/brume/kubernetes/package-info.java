/**
 * brume as a Kubernetes add-on. The node agent hosts {@link io.brume.kubernetes.KubernetesAgent}:
 * peer discovery and coordinate annotations on Nodes ({@link
 * io.brume.kubernetes.CoordinatePublisher}, {@link io.brume.kubernetes.PeerDirectory}) and
 * proximity routing for Services that opt in ({@link
 * io.brume.kubernetes.ProximityRoutingController}, weights from brume-router, rules through {@link
 * io.brume.kubernetes.KernelDataPlane}). Also here: the scheduler extender ({@link
 * io.brume.kubernetes.extender.SchedulerExtenderServer}) and latency-driven placement ({@link
 * io.brume.router.placement.PlacementPlanner}).
 */
package io.brume.kubernetes;
