package io.brume.emulation;

/**
 * How {@link EmulatedFog} deploys the demo image before the replicas serve.
 *
 * @param enabled whether to deploy at all; when off, replicas serve at once (the routing comparison
 *     alone)
 * @param replicasPerSite replicas placed together in one site (see {@link SitePlacement}); 2 by
 *     default, so that peers have something to share
 * @param compactSiteMillis the largest anchor-to-member RTT of a site when such sites exist
 * @param originUplinkBytesPerSecond the origin registry's WAN uplink, shared by every connection to
 *     the origin of one lane
 * @param nodeLinkBytesPerSecond each node's access link, per direction, shared by all of that
 *     node's connections of one lane
 * @param baseLayerNoiseBytes incompressible bytes in the image's base layer
 * @param appLayerNoiseBytes incompressible bytes in the image's app layer
 */
public record DeploymentConfig(
    boolean enabled,
    int replicasPerSite,
    double compactSiteMillis,
    long originUplinkBytesPerSecond,
    long nodeLinkBytesPerSecond,
    int baseLayerNoiseBytes,
    int appLayerNoiseBytes) {

  /** Validates; messages name the field. */
  public DeploymentConfig {
    if (replicasPerSite < 1) {
      throw new IllegalArgumentException("replicasPerSite must be >= 1, got " + replicasPerSite);
    }
    if (!(compactSiteMillis >= 0)) {
      throw new IllegalArgumentException(
          "compactSiteMillis must be >= 0, got " + compactSiteMillis);
    }
    if (originUplinkBytesPerSecond <= 0 || nodeLinkBytesPerSecond <= 0) {
      throw new IllegalArgumentException(
          "link rates must be > 0 bytes/s, got origin "
              + originUplinkBytesPerSecond
              + " and node "
              + nodeLinkBytesPerSecond);
    }
    if (baseLayerNoiseBytes < 0 || appLayerNoiseBytes < 0) {
      throw new IllegalArgumentException("layer sizes must be >= 0");
    }
  }

  /**
   * The defaults of {@code brume up}: 2 replicas per site (sites within 35 ms, e.g. us-east-1 with
   * ca-central-1), a 20 Mbit/s origin uplink (the thin WAN link), 50 Mbit/s node access
   * links, and an image of about 4.5 MB compressed (3 + 0.5 MB of noise, plus busybox when the host
   * has it): a docker-lane deployment of 6 replicas takes about 6 × 4.5 MB / 2.5 MB/s ≈ 11 s.
   */
  public static DeploymentConfig defaults() {
    return new DeploymentConfig(true, 2, 35, 2_500_000, 6_250_000, 3_000_000, 500_000);
  }

  /** No deployment, one replica per site: the routing comparison as it was before deployment. */
  public static DeploymentConfig off() {
    return new DeploymentConfig(false, 1, 35, 2_500_000, 6_250_000, 0, 0);
  }

  /** The same with {@code value} replicas per site. */
  public DeploymentConfig withReplicasPerSite(int value) {
    return new DeploymentConfig(
        enabled,
        value,
        compactSiteMillis,
        originUplinkBytesPerSecond,
        nodeLinkBytesPerSecond,
        baseLayerNoiseBytes,
        appLayerNoiseBytes);
  }
}
