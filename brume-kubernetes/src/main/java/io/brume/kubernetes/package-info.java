/**
 * brume as a Kubernetes add-on: peer discovery and coordinate annotations on Nodes ({@link
 * io.brume.kubernetes.CoordinatePublisher}, {@link io.brume.kubernetes.PeerDirectory}), proximity
 * routing for Services that opt in ({@link io.brume.kubernetes.ProximityRoutingController}), the
 * scheduler extender ({@link io.brume.kubernetes.extender.SchedulerExtenderServer}) and
 * latency-driven placement ({@link io.brume.kubernetes.placement.PlacementPlanner}).
 */
package io.brume.kubernetes;
