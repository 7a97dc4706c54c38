/**
 * An emulated fog on one machine, in one JVM: every node hosts the production node agent
 * (brume-node's {@link io.brume.node.Agent}: probes, Vivaldi coordinates, HTTP API), a demo HTTP
 * service has a few replicas, and client load from every node is routed by two policies side by
 * side on identical traffic.
 *
 * <p>Everything travels over real loopback sockets; only the wide-area delay is emulated, by relays
 * that hold each datagram ({@link io.brume.emulation.UdpDelayRelay}, one per pair of nodes) or byte
 * chunk ({@link io.brume.emulation.TcpDelayRelay}) for half the pair's RTT in each direction.
 * {@link io.brume.emulation.EmulatedFog} owns every thread and socket and releases them on close.
 *
 * <p>A replica's page comes from a {@link io.brume.emulation.ReplicaBackend}: in-process, or a real
 * container run by crun from the exported image bundle ({@link
 * io.brume.emulation.ContainerReplica}) where {@link io.brume.emulation.ReplicaRuntime} finds root
 * and crun.
 */
package io.brume.emulation;
