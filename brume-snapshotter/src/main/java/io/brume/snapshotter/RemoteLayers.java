package io.brume.snapshotter;

import io.brume.oci.Digest;
import io.brume.oci.ImageReference;
import io.brume.oci.Platform;
import io.brume.peer.PeerFetcher;
import io.brume.pull.ImagePuller;
import io.brume.pull.PullStrategy;
import io.brume.registry.DockerConfigCredentials;
import io.brume.registry.HostsDirectory;
import io.brume.registry.RegistryClient;
import io.brume.store.ContentStore;
import io.brume.store.Durable;
import io.brume.store.Snapshot;
import io.brume.unpack.LayerChanges;
import io.brume.unpack.OverlayDiff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The remote-snapshot path: when containerd's CRI plugin prepares a layer with its image labels,
 * brume pulls the image's layers with its own engine ({@link ImagePuller}: pipelined, verified,
 * staged) into a private {@link ContentStore}, turns each layer diff into overlay format and
 * commits the target layer and every later one as containerd snapshots in one transaction. Then
 * containerd never downloads those blobs. Every layer or none: containerd 1.6 downloads every layer
 * after the first one it has to apply itself.
 *
 * <p>When brume cannot (no access to the registry, an unsupported media type, a registry error),
 * {@link #supply} says so and the caller returns ordinary mounts; containerd then pulls and applies
 * the layer itself. The reason is logged once per image.
 */
public final class RemoteLayers {
  private static final System.Logger LOG = System.getLogger(RemoteLayers.class.getName());

  static final String IMAGE_REF = "containerd.io/snapshot/cri.image-ref";
  static final String MANIFEST_DIGEST = "containerd.io/snapshot/cri.manifest-digest";
  static final String LAYER_DIGEST = "containerd.io/snapshot/cri.layer-digest";

  /** Opens a client for a registry host as in {@link ImageReference#registry()}. */
  @FunctionalInterface
  public interface RegistryClients {
    RegistryClient open(String registry) throws IOException;
  }

  /**
   * Clients configured like containerd's: the first pull-capable host of the registry's {@code
   * hosts.toml} in {@code hosts} (null: HTTPS to the registry itself), credentials from the Docker
   * config.
   */
  public static RegistryClients registryClients(
      @Nullable HostsDirectory hosts, DockerConfigCredentials credentials) {
    return registry -> {
      RegistryClient.Builder builder = RegistryClient.builder(registry).dockerConfig(credentials);
      if (hosts != null) {
        Optional<List<HostsDirectory.Host>> configured = hosts.hostsFor(registry);
        if (configured.isPresent()) {
          configured.get().get(0).configure(builder);
        }
      }
      return builder.build();
    };
  }

  private final Path storeRoot;
  private final RegistryClients registries;
  private final PullStrategy strategy;
  private final Platform platform;
  private final Optional<PeerFetcher> peers;
  // One image at a time: the private store is a staging area that is emptied after each image.
  private final ReentrantLock lock = new ReentrantLock();
  private final Set<String> explained = ConcurrentHashMap.newKeySet();
  private volatile Runnable afterEachPull = () -> {};
  // The last pull's staging cleanup, which may still run after containerd has its answer.
  private volatile @Nullable Thread stagingCleanup;

  public RemoteLayers(
      Path storeRoot, RegistryClients registries, PullStrategy strategy, Platform platform) {
    this(storeRoot, registries, strategy, platform, Optional.empty());
  }

  /**
   * With {@code peers}, layers come from the nearest peer that holds them before the registry (the
   * image's tag and manifest still come from the registry); the caller owns and closes the fetcher.
   */
  public RemoteLayers(
      Path storeRoot,
      RegistryClients registries,
      PullStrategy strategy,
      Platform platform,
      Optional<PeerFetcher> peers) {
    this.storeRoot = storeRoot;
    this.registries = registries;
    this.strategy = strategy;
    this.platform = platform;
    this.peers = peers;
  }

  /** Runs {@code action} at the end of each pull, done or failed (still holding the pull lock). */
  void afterEachPull(Runnable action) {
    this.afterEachPull = action;
  }

  /** Whether a pull is running now. */
  boolean pulling() {
    return lock.isLocked();
  }

  /**
   * Supplies the layer named by the labels, and the image's layers above it, on top of {@code
   * parent}; true when they are now committed, false when containerd should apply the layer.
   */
  boolean supply(Snapshotter snapshotter, String parent, Map<String, String> labels)
      throws IOException, InterruptedException {
    String target = labels.get(Snapshotter.SNAPSHOT_REF);
    String imageRef = labels.get(IMAGE_REF);
    String manifest = labels.get(MANIFEST_DIGEST);
    if (target == null || imageRef == null || manifest == null) {
      return false; // not a CRI pull: nothing tells brume which image this layer belongs to
    }
    lock.lockInterruptibly();
    try {
      if (snapshotter.committedWith(target, parent).isPresent()) {
        return true;
      }
      try {
        pull(snapshotter, parent, target, imageRef, Digest.parse(manifest), labels);
      } finally {
        afterEachPull.run(); // its check runs later, once this lock is released
      }
      return true;
    } catch (IOException | RuntimeException e) {
      if (explained.add(imageRef)) {
        LOG.log(
            System.Logger.Level.WARNING,
            "brume cannot pull {0}, containerd applies its layers itself: {1}",
            imageRef,
            e.getMessage());
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  private void pull(
      Snapshotter snapshotter,
      String parent,
      String target,
      String imageRef,
      Digest manifest,
      Map<String, String> labels)
      throws IOException, InterruptedException {
    ImageReference reference = ImageReference.parse(imageRef).withDigest(manifest);
    awaitStagingEmptied();
    List<Path> staged = new ArrayList<>();
    boolean committed = false;
    try {
      try (ContentStore store = ContentStore.open(storeRoot);
          RegistryClient client = registries.open(reference.registry())) {
        PullTimeline timeline = new PullTimeline(System::nanoTime);
        // containerd asks for the first layer it lacks: the ones below are snapshots already
        // (parent), so only the target and the layers above it are fetched.
        ImagePuller.Builder puller =
            ImagePuller.builder(store, client)
                .strategy(strategy)
                .listener(timeline)
                .layersFrom(diffIds -> indexOf(target, diffIds, reference));
        peers.ifPresent(puller::peers);
        ImagePuller.Result result = puller.build().pull(reference, platform);
        long pulled = timeline.elapsedMillis();
        List<Digest> diffIds = result.image().diffIds();
        List<String> chain = chainIds(diffIds);
        int first = indexOf(target, diffIds, reference);
        List<Snapshotter.Prepared> prepared = new ArrayList<>();
        String below = parent;
        List<Path> lowers = new ArrayList<>(snapshotter.lowerDirs(parent));
        for (int i = first; i < diffIds.size(); i++) {
          Snapshot snapshot =
              store
                  .snapshots()
                  .find(diffIds.get(i))
                  .orElseThrow(() -> new IOException("the pull left no snapshot of a layer"));
          Path directory = snapshotter.newStagingDirectory();
          staged.add(directory);
          Path fs = directory.resolve("fs");
          Files.move(snapshot.diff(), fs, StandardCopyOption.ATOMIC_MOVE);
          OverlayDiff.convert(
              fs, LayerChanges.readFrom(snapshot.file(LayerChanges.FILE_NAME)), lowers);
          Map<String, String> own = new HashMap<>();
          if (i == first) {
            own.putAll(labels); // containerd's own labels of the target (snapshot.ref, cri.*)
          }
          own.put(Snapshotter.SNAPSHOT_REF, chain.get(i));
          String name = uniqueName(snapshotter, chain.get(i));
          prepared.add(new Snapshotter.Prepared(name, below, own, directory));
          lowers.add(0, fs);
          below = name;
        }
        snapshotter.commitAll(prepared);
        LOG.log(
            System.Logger.Level.INFO,
            "{0}: layers {1}-{2} of {2} committed ({3} bytes fetched); pull {4} ms, overlay format"
                + " and commit {5} ms; per layer, since the pull began: {6}",
            reference,
            first + 1,
            diffIds.size(),
            Long.toString(timeline.fetchedBytes()),
            Long.toString(pulled),
            Long.toString(timeline.elapsedMillis() - pulled),
            timeline.summary());
        committed = true;
      }
    } finally {
      if (committed) {
        stagingCleanup =
            Thread.ofVirtual()
                .name("brume-staging-cleanup")
                .start(() -> emptyStagingOrLog(reference, staged));
      } else {
        emptyStagingOrLog(reference, staged); // the pull's own error is the one to report
      }
    }
  }

  /**
   * Empties the staging store; after a commit on a thread of its own, once containerd has its
   * answer: at 200 Mbit/s deleting the blobs took 20-30 ms of kubelet's wait. The next pull waits
   * for it. What a failure leaves, the next pull's gc or the next start removes.
   */
  private void emptyStagingOrLog(ImageReference reference, List<Path> staged) {
    try {
      emptyStaging(reference, staged);
    } catch (IOException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "{0}: emptying the staging store failed: {1}",
          reference,
          e.toString());
    }
  }

  /** Waits until the previous pull's staging store is empty (one pull stages at a time). */
  private void awaitStagingEmptied() throws InterruptedException {
    Thread cleanup = stagingCleanup;
    if (cleanup != null) {
      cleanup.join();
    }
  }

  /**
   * The store only stages: its blobs and emptied snapshots go once the layers are committed (or
   * abandoned); a killed pull's leftovers go on the next pull's gc or the next start.
   */
  private void emptyStaging(ImageReference reference, List<Path> staged) throws IOException {
    long cleaning = System.nanoTime();
    for (Path directory : staged) {
      Durable.deleteTree(directory);
    }
    try (ContentStore store = ContentStore.open(storeRoot)) {
      store.images().remove(reference.toString());
      store.gc();
    }
    LOG.log(
        System.Logger.Level.INFO,
        "{0}: staging store emptied in {1} ms",
        reference,
        (System.nanoTime() - cleaning) / 1_000_000);
  }

  /**
   * Forgets what a pull killed midway left in the private store (image records, partial downloads,
   * emptied snapshots). Run on start, before any pull. The store only ever stages one pull, so the
   * whole directory goes; not opening it also keeps its JSON machinery out of an idle daemon.
   */
  public void cleanup() throws IOException {
    Durable.deleteTree(storeRoot);
  }

  /**
   * Committed remote snapshots are named by chain ID; the same chain on another parent (an image
   * whose lower layers containerd applied itself) gets a suffix.
   */
  private static String uniqueName(Snapshotter snapshotter, String chainId) throws IOException {
    String name = chainId;
    for (int n = 1; snapshotter.exists(name); n++) {
      name = chainId + "~" + n;
    }
    return name;
  }

  /** The index of the layer whose chain ID is {@code target}. */
  private static int indexOf(String target, List<Digest> diffIds, ImageReference reference) {
    List<String> chain = chainIds(diffIds);
    int index = chain.indexOf(target);
    if (index < 0) {
      throw new IllegalArgumentException(
          "layer " + target + " is not a chain ID of image " + reference + " (" + chain + ")");
    }
    return index;
  }

  /** OCI chain IDs: the first diff_id, then sha256 of "previous-chain-id diff_id". */
  static List<String> chainIds(List<Digest> diffIds) {
    List<String> chain = new ArrayList<>();
    String previous = null;
    for (Digest diffId : diffIds) {
      String next =
          previous == null
              ? diffId.toString()
              : Digest.sha256((previous + " " + diffId).getBytes(StandardCharsets.UTF_8))
                  .toString();
      chain.add(next);
      previous = next;
    }
    return chain;
  }
}
