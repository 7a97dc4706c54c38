/**
 * An emulated fog on one machine, in one JVM: nodes that measure each other through user-space
 * delay relays on loopback and keep Vivaldi coordinates, a demo HTTP service with a few replicas,
 * and client load from every node routed by two policies side by side on identical traffic.
 *
 * <p>Everything travels over real loopback sockets; only the wide-area delay is emulated, by relays
 * that hold each datagram ({@link io.brume.emulation.UdpDelayRelay}) or byte chunk ({@link
 * io.brume.emulation.TcpDelayRelay}) for half the pair's RTT in each direction. {@link
 * io.brume.emulation.EmulatedFog} owns every thread and socket and releases them on close.
 *
 * <p>A replica's page comes from a {@link io.brume.emulation.ReplicaBackend}: in-process, or a real
 * container run by crun from the exported image bundle ({@link
 * io.brume.emulation.ContainerReplica}) where {@link io.brume.emulation.ReplicaRuntime} finds root
 * and crun.
 */
package io.brume.emulation;
