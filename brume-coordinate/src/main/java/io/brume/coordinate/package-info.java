/**
 * Vivaldi network coordinates (Dabek et al., SIGCOMM 2004) with height vectors, adaptive timestep,
 * Lee et al.'s adjustment term, gravity and a per-peer latency filter, following hashicorp/serf's
 * {@code coordinate} package (re-implemented from its documented behaviour), plus RTT data sets and
 * their evaluation.
 *
 * <p>{@link io.brume.coordinate.VivaldiClient} is pure: its random source and clock are injected,
 * it does no I/O, and it rejects every invalid input ({@link
 * io.brume.coordinate.InvalidSampleException}). {@link io.brume.coordinate.PeerSelector} chooses
 * whom to probe (near and far peers). {@link io.brume.coordinate.RttMatrix}, {@link
 * io.brume.coordinate.VivaldiSimulation} and {@link io.brume.coordinate.VivaldiEvaluation} run the
 * accuracy evaluation behind {@code brume vivaldi eval}.
 */
package io.brume.coordinate;
