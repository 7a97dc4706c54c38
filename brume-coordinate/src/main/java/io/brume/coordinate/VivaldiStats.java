package io.brume.coordinate;

/**
 * Counters of a {@link VivaldiClient}.
 *
 * @param updates samples applied
 * @param rejected samples rejected (invalid RTT or peer coordinate) and never applied
 * @param resets times the local coordinate became invalid and was reset to the origin (Serf
 *     serf#468)
 */
public record VivaldiStats(long updates, long rejected, long resets) {}
