package io.brume.registry;

import io.brume.oci.Descriptor;
import io.brume.oci.Digest;
import io.brume.oci.ImageConfig;
import io.brume.oci.ImageIndex;
import io.brume.oci.ImageReference;
import io.brume.oci.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A reusable, authenticated client of one registry (Registry API v2 / OCI distribution).
 *
 * <p>Create one per registry and share it: it remembers the authentication challenge and caches
 * bearer tokens per repository scope, so that a pull pings and authenticates once rather than per
 * request (go-containerregistry's regret). Thread-safe. Each operation is a small endpoint class;
 * this is the facade.
 *
 * <pre>{@code
 * try (RegistryClient client = RegistryClient.builder(ref.registry()).plainHttp(true).build()) {
 *   ResolvedImage image = client.resolve(ref, Platform.host());
 *   try (BlobResponse blob = client.openBlob(ref.repository(), layerDigest, 0)) { ... }
 * }
 * }</pre>
 */
public final class RegistryClient implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(RegistryClient.class.getName());

  private final String registry;
  private final HttpClient http;
  private final RegistryTransport transport;
  private final ManifestFetcher manifests;
  private final BlobOpener blobs;
  private final BlobFetcher smallBlobs;
  private final Optional<TokenBucket> rateLimit;
  private final boolean insecure;
  private final StallWatchdog watchdog;

  private RegistryClient(Builder builder) {
    this.registry = builder.registry;
    this.insecure = builder.insecure && !builder.plainHttp;
    this.http = HttpClients.create(builder.connectTimeout, insecure, builder.caCertificates);
    String scheme = builder.plainHttp ? "http" : "https";
    String host =
        registry.equals(ImageReference.DOCKER_HUB) ? ImageReference.DOCKER_HUB_API_HOST : registry;
    URI base = builder.endpoint.orElse(URI.create(scheme + "://" + host + "/"));
    Authenticator authenticator =
        new Authenticator(
            registry,
            http,
            builder.credentials.or(() -> builder.dockerConfig.forRegistry(registry)),
            builder.clock);
    Retrier retrier =
        new Retrier(builder.retryPolicy, builder.sleeper, builder.random, builder.clock);
    this.transport =
        new RegistryTransport(registry, base, http, authenticator, retrier, builder.requestTimeout);
    this.manifests = new ManifestFetcher(transport);
    this.blobs = new BlobOpener(transport);
    this.smallBlobs = new BlobFetcher(this::openBlob);
    this.rateLimit = builder.rateLimit;
    this.watchdog = new StallWatchdog(builder.stallTimeout);
    if (insecure) {
      LOG.log(
          System.Logger.Level.WARNING,
          "TLS certificate verification is disabled for registry {0} (--insecure)",
          registry);
    }
  }

  /** A builder for registry {@code registry} as in {@link ImageReference#registry()}. */
  public static Builder builder(String registry) {
    return new Builder(registry);
  }

  /** The registry this client talks to. */
  public String registry() {
    return registry;
  }

  /** Whether TLS verification is disabled (the caller should say so to the user). */
  public boolean isInsecure() {
    return insecure;
  }

  /**
   * Checks that the registry speaks API v2 ({@code GET /v2/}), authenticating if challenged.
   *
   * @throws RegistryException naming the registry when it does not answer 200
   */
  public void ping() throws IOException, InterruptedException {
    String action = "ping registry " + registry;
    HttpResponse<InputStream> response = transport.get("/v2/", Scopes.NONE, Map.of(), action);
    if (response.statusCode() != 200) {
      throw transport.failure(action, response);
    }
    response.body().close();
  }

  /**
   * Fetches a manifest or index by tag or digest string. When fetched by digest, the content is
   * verified against it; by tag, against the registry's {@code Docker-Content-Digest} if sent.
   */
  public FetchedManifest fetchManifest(String repository, String tagOrDigest)
      throws IOException, InterruptedException {
    return manifests.fetch(repository, tagOrDigest);
  }

  /**
   * Resolves {@code reference} to the manifest for {@code platform}: an index or manifest list is
   * followed to the matching entry (fetched by digest and verified); a single manifest is returned
   * as is.
   *
   * @throws PlatformNotFoundException listing the available platforms when none matches
   */
  public ResolvedImage resolve(ImageReference reference, Platform platform)
      throws IOException, InterruptedException {
    requireSameRegistry(reference);
    FetchedManifest top = fetchManifest(reference.repository(), reference.manifestReference());
    if (!top.isIndex()) {
      return new ResolvedImage(reference, top, top.manifest(), Optional.empty());
    }
    ImageIndex index = top.index();
    Descriptor chosen =
        index
            .manifestFor(platform)
            .orElseThrow(
                () ->
                    new PlatformNotFoundException(
                        reference.toString(), platform, index.platforms()));
    FetchedManifest child = fetchManifest(reference.repository(), chosen.digest().toString());
    if (child.bytes().length != chosen.size()) {
      throw new DigestMismatchException(
          chosen.digest(),
          "manifest "
              + chosen.digest()
              + " of "
              + reference
              + " has "
              + child.bytes().length
              + " bytes, the index says "
              + chosen.size());
    }
    if (child.isIndex()) {
      throw new RegistryException(
          "resolve " + reference + ": nested index " + chosen.digest() + " is not supported", 200);
    }
    return new ResolvedImage(reference, child, child.manifest(), Optional.of(top));
  }

  /** Fetches the raw bytes of a small blob such as a config, verified against digest and size. */
  public byte[] fetchBlobBytes(String repository, Descriptor descriptor)
      throws IOException, InterruptedException {
    return smallBlobs.fetch(repository, descriptor);
  }

  /** Fetches, verifies and parses the config of a resolved image. */
  public ImageConfig fetchConfig(ResolvedImage image) throws IOException, InterruptedException {
    return ImageConfig.parse(
        fetchBlobBytes(image.reference().repository(), image.parsed().config()));
  }

  /**
   * Opens a blob for streaming from {@code fromOffset} (0 for the whole blob), rate-limited when
   * the client has a limit. The body is not verified: wrap it in a {@link VerifyingInputStream}. A
   * body that delivers nothing for the stall timeout fails with a {@link
   * java.net.SocketTimeoutException}; resume from the bytes received so far.
   */
  public BlobResponse openBlob(String repository, Digest digest, long fromOffset)
      throws IOException, InterruptedException {
    BlobResponse response = blobs.open(repository, digest, fromOffset);
    InputStream body =
        watchdog.guard(response.body(), "blob " + registry + "/" + repository + "@" + digest);
    return new BlobResponse(
        rateLimit
            .map(bucket -> (InputStream) new RateLimitedInputStream(body, bucket))
            .orElse(body),
        response.startOffset(),
        response.totalSize(),
        response.rangeHonoured());
  }

  private void requireSameRegistry(ImageReference reference) {
    if (!reference.registry().equals(registry)) {
      throw new IllegalArgumentException(
          "reference " + reference + " is not on registry " + registry + " of this client");
    }
  }

  @Override
  public void close() {
    watchdog.close();
    http.close();
  }

  /** Options of a {@link RegistryClient}; defaults are safe (TLS verified, bounded retries). */
  public static final class Builder {
    private final String registry;
    private boolean plainHttp;
    private boolean insecure;
    private Optional<Credentials> credentials = Optional.empty();
    private DockerConfigCredentials dockerConfig = DockerConfigCredentials.none();
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private Sleeper sleeper = Sleeper.system();
    private RandomGenerator random = new SecureRandom();
    private Clock clock = Clock.systemUTC();
    private Duration connectTimeout = Duration.ofSeconds(15);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private Optional<TokenBucket> rateLimit = Optional.empty();
    private Duration stallTimeout = Duration.ofSeconds(30);
    private Optional<URI> endpoint = Optional.empty();
    private List<Path> caCertificates = List.of();

    private Builder(String registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Use {@code http://} instead of TLS (local registries). */
    public Builder plainHttp(boolean value) {
      this.plainHttp = value;
      return this;
    }

    /** Accept any TLS certificate and host name. Dangerous; the client logs a warning. */
    public Builder insecure(boolean value) {
      this.insecure = value;
      return this;
    }

    /** Explicit credentials; they take precedence over the Docker config. */
    public Builder credentials(Credentials value) {
      this.credentials = Optional.of(value);
      return this;
    }

    /** Credentials looked up in a Docker config by registry name. */
    public Builder dockerConfig(DockerConfigCredentials value) {
      this.dockerConfig = Objects.requireNonNull(value);
      return this;
    }

    /** How often and how patiently to retry transient failures. */
    public Builder retryPolicy(RetryPolicy value) {
      this.retryPolicy = Objects.requireNonNull(value);
      return this;
    }

    /** The sleeper used between retries (tests inject one that records). */
    public Builder sleeper(Sleeper value) {
      this.sleeper = Objects.requireNonNull(value);
      return this;
    }

    /** The random source of retry jitter. */
    public Builder random(RandomGenerator value) {
      this.random = Objects.requireNonNull(value);
      return this;
    }

    /** The clock for token expiry and Retry-After dates. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value);
      return this;
    }

    /** TCP connect timeout. */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = Objects.requireNonNull(value);
      return this;
    }

    /** Time allowed until response headers arrive. */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout = Objects.requireNonNull(value);
      return this;
    }

    /** Limits the total read rate of all blob bodies opened by this client. */
    public Builder rateLimit(TokenBucket value) {
      this.rateLimit = Optional.of(value);
      return this;
    }

    /** How long a blob body may deliver no data before it is aborted (default 30 s). */
    public Builder stallTimeout(Duration value) {
      this.stallTimeout = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Talks to {@code value} ({@code scheme://host[:port]}) instead of the registry's own host,
     * e.g. a mirror from a containerd {@code hosts.toml} ({@link HostsDirectory}); {@code http://}
     * also means {@link #plainHttp}. Credentials are still looked up by registry name.
     */
    public Builder endpoint(URI value) {
      URI origin = URI.create(value.getScheme() + "://" + value.getRawAuthority() + "/");
      this.endpoint = Optional.of(origin);
      this.plainHttp = "http".equals(value.getScheme());
      return this;
    }

    /** PEM files of extra certificate authorities trusted beside the system's ones. */
    public Builder caCertificates(List<Path> value) {
      this.caCertificates = List.copyOf(value);
      return this;
    }

    /** Builds the client; it owns an {@link HttpClient} and must be closed. */
    public RegistryClient build() {
      return new RegistryClient(this);
    }
  }
}
