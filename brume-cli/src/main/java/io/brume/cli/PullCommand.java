package io.brume.cli;

import io.brume.oci.ImageReference;
import io.brume.oci.Platform;
import io.brume.peer.PeerFetcher;
import io.brume.pull.ImagePuller;
import io.brume.pull.PullStrategy;
import io.brume.registry.DockerConfigCredentials;
import io.brume.registry.RateLimit;
import io.brume.registry.RegistryClient;
import io.brume.registry.TokenBucket;
import io.brume.store.ContentStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code brume pull}: pulls an image into the local store. */
@Command(
    name = "pull",
    mixinStandardHelpOptions = true,
    description = {
      "Pull an image from a registry into the local store, verifying every digest.",
      "Layers stream from the network through decompression into extraction (--strategy auto).",
      "",
      "Examples:",
      "  brume pull alpine",
      "  brume pull --plain-http --platform linux/arm64 127.0.0.1:5000/app:v1",
      "  brume pull --peers-from http://127.0.0.1:7948 --peer-token-file /etc/brume/token app:v1",
      "",
      "With --peers FILE or --peers-from URL, layers are fetched from the nearest peer that holds"
          + " them (by Vivaldi coordinates), failing over to other peers and the registry; the tag"
          + " is always resolved at the registry. Where each layer's bytes came from is printed."
    })
final class PullCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store;
  @Mixin PeerOptions peerOptions;

  @Parameters(
      paramLabel = "REF",
      description = "Image reference, e.g. alpine, ghcr.io/org/app:1.2, host:5000/app@sha256:…")
  String reference;

  @Option(
      names = "--plain-http",
      description = "Talk HTTP, not HTTPS, to the registry (local registries).")
  boolean plainHttp;

  @Option(
      names = "--insecure",
      description = "Accept any TLS certificate from the registry (unsafe).")
  boolean insecure;

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]",
      description =
          "Platform to pull from a multi-platform image (default: this machine's, ${DEFAULT-VALUE}).")
  String platform = Platform.host().toString();

  @Option(
      names = "--limit-rate",
      paramLabel = "RATE",
      description = "Cap the download bandwidth, e.g. 500k, 10M, 1.5MB/s (bytes per second).")
  @Nullable String limitRate;

  @Option(
      names = "--strategy",
      paramLabel = "STRATEGY",
      description = "docker, sequential, pipelined or auto (default: ${DEFAULT-VALUE}).")
  String strategy = "auto";

  @Option(
      names = {"-q", "--quiet"},
      description = "Print only the pulled image's digest.")
  boolean quiet;

  @Override
  @SuppressWarnings("try") // closePeers only closes the optional peer fetcher
  public Integer call() throws Exception {
    ImageReference ref = ImageReference.parse(reference);
    Platform wanted = Platform.parse(platform);
    PullStrategy chosen = PullStrategy.parse(strategy);
    PrintWriter out = spec.commandLine().getOut();
    RegistryClient.Builder registry =
        RegistryClient.builder(ref.registry())
            .plainHttp(plainHttp)
            .insecure(insecure)
            .dockerConfig(DockerConfigCredentials.fromEnvironment());
    if (limitRate != null) {
      registry.rateLimit(TokenBucket.perSecond(RateLimit.parseBytesPerSecond(limitRate)));
    }
    if (insecure && !quiet) {
      spec.commandLine()
          .getErr()
          .println(
              "warning: TLS certificates of " + ref.registry() + " are not verified (--insecure)");
    }
    Optional<PeerFetcher> peers = peerOptions.fetcher(spec);
    PullProgress progress =
        new PullProgress(out, PullProgress.detectMode(quiet), Clock.systemUTC());
    long started = System.nanoTime();
    try (ContentStore contentStore = store.open();
        RegistryClient client = registry.build();
        AutoCloseable closePeers = () -> peers.ifPresent(PeerFetcher::close)) {
      ImagePuller.Builder puller =
          ImagePuller.builder(contentStore, client).strategy(chosen).listener(progress);
      peers.ifPresent(puller::peers);
      ImagePuller.Result result = puller.build().pull(ref, wanted);
      progress.finish();
      if (quiet) {
        out.println(result.manifestDigest());
      } else {
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        out.printf(
            Locale.ROOT,
            "Pulled %s (%s, %d of %d layers new) in %.2f s%nDigest: %s%n",
            result.image().reference(),
            wanted,
            result.layersPulled(),
            result.image().layers().size(),
            took.toNanos() / 1e9,
            result.manifestDigest());
      }
      out.flush();
    }
    return 0;
  }
}
