package io.brume.emulation;

import io.brume.dashboard.DeploymentView;
import io.brume.oci.Platform;
import io.brume.peer.ClusterToken;
import io.brume.pull.PullStrategy;
import io.brume.store.Durable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The deployment of the demo image in {@code brume up}: the image built at start-up, the {@link
 * OriginRegistry} serving it, and two {@link DeploymentLane}s pulling it at the same time to every
 * replica host over identical emulated links: {@code docker} (docker strategy, origin only) and
 * {@code brume} ({@code auto}, nearest peers first). Everything it creates (stores in one temp
 * directory, servers, relays, clients) is released by {@link #close}.
 */
final class Deployment implements AutoCloseable {
  /** The lane whose image a routing replica waits for. */
  static final String BRUME = "brume";

  static final String DOCKER = "docker";

  private final DemoImage image;
  private final Path root;
  private final List<DeploymentLane> lanes = new ArrayList<>();
  private @Nullable OriginRegistry origin;

  private Deployment(DemoImage image, Path root) {
    this.image = image;
    this.root = root;
  }

  /**
   * Builds the image, starts the origin and sets up both lanes; the pulls start with {@link
   * #start}.
   */
  static Deployment create(DeploymentConfig config, long seed, DeploymentLane.Fog fog) {
    DemoImage image =
        DemoImage.build(
            seed,
            config.baseLayerNoiseBytes(),
            config.appLayerNoiseBytes(),
            Optional.of(DemoImage.HOST_BUSYBOX),
            Platform.host());
    Path root;
    try {
      root = RunDirectories.create(RunDirectories.temporaryDirectory(), "deploy-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp directory for the node stores", e);
    }
    Deployment deployment = new Deployment(image, root);
    try {
      deployment.origin = OriginRegistry.start(image);
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      ClusterToken token = ClusterToken.of(HexFormat.of().formatHex(secret));
      deployment.lanes.add(
          new DeploymentLane(
              BRUME,
              PullStrategy.AUTO,
              true,
              deployment.origin.address(),
              fog,
              config,
              root.resolve(BRUME),
              token));
      deployment.lanes.add(
          new DeploymentLane(
              DOCKER,
              PullStrategy.DOCKER,
              false,
              deployment.origin.address(),
              fog,
              config,
              root.resolve(DOCKER),
              token));
      return deployment;
    } catch (RuntimeException e) {
      deployment.close();
      throw e;
    }
  }

  /** Starts both lanes' pulls at the same moment. */
  void start() {
    for (DeploymentLane lane : lanes) {
      lane.start(Platform.host());
    }
  }

  /** The image. */
  DemoImage image() {
    return image;
  }

  /** The origin registry. */
  OriginRegistry origin() {
    return Objects.requireNonNull(origin, "the deployment is stopped");
  }

  /** Both lanes, brume first. */
  List<DeploymentLane> lanes() {
    return List.copyOf(lanes);
  }

  /** Where the node stores are (deleted on close). */
  Path root() {
    return root;
  }

  /** Completes when {@code host}'s brume-lane image is committed. */
  CompletableFuture<Void> brumeCommitted(String host) {
    return lanes.get(0).committed(host);
  }

  /** Whether every host of both lanes is ready or failed. */
  boolean done() {
    return lanes.stream().allMatch(DeploymentLane::done);
  }

  /** Every host of every lane. */
  List<DeploymentView> views() {
    List<DeploymentView> views = new ArrayList<>();
    for (DeploymentLane lane : lanes) {
      views.addAll(lane.views());
    }
    return views;
  }

  /**
   * Closes every server, relay, client and store, which ends the pulls and relay loops still
   * running; idempotent.
   */
  synchronized void stop() {
    lanes.forEach(DeploymentLane::close);
    if (origin != null) {
      origin.close();
      origin = null;
    }
  }

  /**
   * {@link #stop}s and deletes the node stores; call it once the threads that ran the pulls have
   * ended, so that nothing writes into the directory being deleted.
   */
  @Override
  public void close() {
    stop();
    try {
      Durable.deleteTree(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the node stores in " + root, e);
    }
  }
}
