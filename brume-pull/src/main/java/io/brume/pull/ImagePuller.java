package io.brume.pull;

import io.brume.oci.Descriptor;
import io.brume.oci.Digest;
import io.brume.oci.ImageConfig;
import io.brume.oci.ImageManifest;
import io.brume.oci.ImageReference;
import io.brume.oci.InvalidContentException;
import io.brume.oci.Platform;
import io.brume.peer.PeerFetcher;
import io.brume.peer.TransferLedger;
import io.brume.registry.FetchedManifest;
import io.brume.registry.RegistryClient;
import io.brume.registry.ResolvedImage;
import io.brume.registry.RetryPolicy;
import io.brume.registry.Sleeper;
import io.brume.store.BlobWriter;
import io.brume.store.ContentStore;
import io.brume.store.Durable;
import io.brume.store.ImageRecord;
import io.brume.store.Lease;
import io.brume.unpack.LayerExtractor;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Pulls an image into a {@link ContentStore}: resolves the reference to the platform's manifest,
 * stores manifest, index and config, brings in the layers with a {@link LayerPipeline}, and only
 * then records the image. A lease on the store keeps {@code gc} away from the blobs and snapshots
 * of a pull in progress.
 */
public final class ImagePuller {
  private final ContentStore store;
  private final RegistryClient registry;
  private final PullStrategy strategy;
  private final PullListener listener;
  private final RetryPolicy retry;
  private final Sleeper sleeper;
  private final Clock clock;
  private final Optional<PeerFetcher> peers;
  private final ToIntFunction<List<Digest>> firstLayer;

  private ImagePuller(Builder builder) {
    this.store = Objects.requireNonNull(builder.store, "store");
    this.registry = Objects.requireNonNull(builder.registry, "registry");
    this.strategy = builder.strategy;
    this.listener = builder.listener;
    this.retry = builder.retry;
    this.sleeper = builder.sleeper;
    this.clock = builder.clock;
    this.peers = builder.peers;
    this.firstLayer = builder.firstLayer;
  }

  /** A puller writing into {@code store} and reading from {@code registry}. */
  public static Builder builder(ContentStore store, RegistryClient registry) {
    return new Builder(store, registry);
  }

  /** The outcome of a pull. */
  public record Result(ImageRecord image, Digest manifestDigest, long layersPulled) {}

  /**
   * Pulls {@code reference} for {@code platform}; returns what the store now records. The tag is
   * always resolved at the registry (a peer never decides which image a tag means); layers come
   * from peers first when the puller has a {@link PeerFetcher}. The bytes fetched per source are
   * added to the store's {@link TransferLedger}, which the agent exports.
   */
  public Result pull(ImageReference reference, Platform platform)
      throws IOException, InterruptedException {
    TransferLedger.Tally tally = new TransferLedger.Tally();
    PullListener listener =
        event -> {
          if (event instanceof PullEvent.Transferred t) {
            tally.add(t.fromPeer() ? TransferLedger.PEER : TransferLedger.REGISTRY, t.bytes());
          }
          this.listener.onEvent(event);
        };
    Result result;
    try {
      result = pull(reference, platform, listener);
    } catch (IOException | InterruptedException | RuntimeException e) {
      try {
        TransferLedger.of(store.root()).add(tally); // bytes of a failed pull were fetched too
      } catch (IOException ledger) {
        e.addSuppressed(ledger); // the pull's own failure is the one to report
      }
      throw e;
    }
    TransferLedger.of(store.root()).add(tally);
    return result;
  }

  private Result pull(ImageReference reference, Platform platform, PullListener listener)
      throws IOException, InterruptedException {
    prepareNativeCalls();
    Lease lease = store.lease();
    try {
      ResolvedImage resolved = registry.resolve(reference, platform);
      if (resolved.index().isPresent()) {
        keep(resolved.index().get());
      }
      keep(resolved.manifest());
      ImageManifest manifest = resolved.parsed();
      byte[] configBytes = registry.fetchBlobBytes(reference.repository(), manifest.config());
      keep(manifest.config().digest(), configBytes);
      ImageConfig config = ImageConfig.parse(configBytes);
      List<LayerPipeline.Layer> all = pair(reference, manifest, config);
      int first = firstLayer.applyAsInt(config.diffIds());
      if (first < 0 || first > all.size()) {
        throw new IllegalArgumentException(
            "first layer " + first + " is outside image " + reference + "'s " + all.size());
      }
      List<LayerPipeline.Layer> layers = all.subList(first, all.size());

      long missing = layers.stream().filter(l -> !store.snapshots().contains(l.diffId())).count();
      LayerPipeline pipeline =
          new LayerPipeline(
              store,
              new BlobDownloader(
                  registry,
                  reference.repository(),
                  store.blobs(),
                  retry,
                  sleeper,
                  listener,
                  peers,
                  resolved.manifest().digest()),
              new LayerUnpacker(new LayerExtractor()),
              strategy,
              listener);
      pipeline.run(layers);

      long size = manifest.config().size();
      for (Descriptor layer : manifest.layers()) {
        size += layer.size();
      }
      ImageRecord record =
          new ImageRecord(
              reference.toString(),
              resolved.manifest().digest(),
              manifest.config().digest(),
              manifest.layers().stream().map(Descriptor::digest).toList(),
              config.diffIds(),
              size,
              clock.instant());
      store.images().put(record);
      return new Result(record, resolved.manifest().digest(), missing);
    } finally {
      lease.close();
    }
  }

  /**
   * Links the extraction's and the commit's native calls on another thread while this one talks to
   * the registry: in a fresh JVM that is ~0.1 s a pull would otherwise spend when its first layer
   * starts extracting (docs/bench/startup.md). A failure here is left to the extraction to report.
   */
  private static void prepareNativeCalls() {
    Thread.ofVirtual()
        .name("brume-pull-prepare")
        .start(
            () -> {
              try {
                LayerExtractor.prepare();
                Durable.prepare();
              } catch (RuntimeException | LinkageError e) {
                // The extraction links them again and fails with the cause.
              }
            });
  }

  /** Pairs each layer blob with its diff_id; an image whose counts differ is malformed. */
  private static List<LayerPipeline.Layer> pair(
      ImageReference reference, ImageManifest manifest, ImageConfig config) {
    if (manifest.layers().size() != config.diffIds().size()) {
      throw new InvalidContentException(
          "image "
              + reference
              + " is inconsistent: its manifest lists "
              + manifest.layers().size()
              + " layers but its config lists "
              + config.diffIds().size()
              + " diff_ids");
    }
    List<LayerPipeline.Layer> layers = new ArrayList<>();
    for (int i = 0; i < manifest.layers().size(); i++) {
      layers.add(new LayerPipeline.Layer(manifest.layers().get(i), config.diffIds().get(i)));
    }
    return layers;
  }

  private void keep(FetchedManifest manifest) throws IOException {
    keep(manifest.digest(), manifest.bytes());
  }

  /** Stores small verified content (manifests, config) as blobs, so gc and export can use it. */
  private void keep(Digest digest, byte[] bytes) throws IOException {
    if (store.blobs().contains(digest)) {
      return;
    }
    try (BlobWriter writer = store.blobs().ingest(digest, bytes.length)) {
      if (writer.offset() > 0) {
        writer.discard();
        keep(digest, bytes);
        return;
      }
      writer.write(bytes);
      writer.commit();
    }
  }

  /** Configures an {@link ImagePuller}. */
  public static final class Builder {
    private final ContentStore store;
    private final RegistryClient registry;
    private PullStrategy strategy = PullStrategy.AUTO;
    private PullListener listener = PullListener.NONE;
    private RetryPolicy retry = RetryPolicy.defaults();
    private Sleeper sleeper = Sleeper.system();
    private Clock clock = Clock.systemUTC();
    private Optional<PeerFetcher> peers = Optional.empty();
    private ToIntFunction<List<Digest>> firstLayer = diffIds -> 0;

    private Builder(ContentStore store, RegistryClient registry) {
      this.store = store;
      this.registry = registry;
    }

    public Builder strategy(PullStrategy value) {
      this.strategy = Objects.requireNonNull(value);
      return this;
    }

    public Builder listener(PullListener value) {
      this.listener = Objects.requireNonNull(value);
      return this;
    }

    /** How often a body that breaks off is resumed; failures in a row without progress. */
    public Builder retry(RetryPolicy value) {
      this.retry = Objects.requireNonNull(value);
      return this;
    }

    public Builder sleeper(Sleeper value) {
      this.sleeper = Objects.requireNonNull(value);
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value);
      return this;
    }

    /** Fetch layers from these peers before the registry (the caller owns and closes it). */
    public Builder peers(PeerFetcher value) {
      this.peers = Optional.of(value);
      return this;
    }

    /**
     * Fetches and unpacks only the layers from the index {@code first} returns (given the image's
     * diff_ids) upward, for a caller that has the lower ones elsewhere (containerd's snapshots).
     * The image record still lists every layer, so such a store is a staging area, not an image
     * store.
     */
    public Builder layersFrom(ToIntFunction<List<Digest>> first) {
      this.firstLayer = Objects.requireNonNull(first);
      return this;
    }

    public ImagePuller build() {
      return new ImagePuller(this);
    }
  }
}
