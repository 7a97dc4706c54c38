package io.brume.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.coordinate.Coordinate;
import io.brume.oci.Digest;
import io.brume.store.BlobWriter;
import io.brume.store.ContentStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a fetcher treats the peers of its own site against farther ones, over real peer servers on
 * loopback: a peer of the site that is busy with the blob (downloading it, full, slow) is waited
 * for instead of fetching the blob across sites, and a busy peer is asked again, not abandoned.
 */
class PeerFetcherSiteTest {
  private static final ClusterToken TOKEN = ClusterToken.of("s3cret-cluster-token-0123456789");

  @TempDir Path root;
  private ContentStore nearStore;
  private ContentStore farStore;
  private PeerBlobServer near;
  private PeerBlobServer far;
  private PeerFetcher fetcher;
  private byte[] blob;
  private Digest digest;

  private static Coordinate at(double x) {
    return new Coordinate(new double[] {x, 0}, 0.1, 0, 0.05);
  }

  @BeforeEach
  void start() throws IOException {
    blob = new byte[4_000_000];
    new SplittableRandom(11).nextBytes(blob);
    digest = Digest.sha256(blob);
    nearStore = ContentStore.open(root.resolve("near"));
    farStore = ContentStore.open(root.resolve("far"));
    put(farStore, blob);
    near = serve(nearStore, 1);
    far = serve(farStore, 4);
    PeerDirectory directory =
        new PeerDirectory(
            "self",
            at(0),
            List.of(
                PeerNode.of("near", url(near), at(0.05)), PeerNode.of("far", url(far), at(60))));
    fetcher = PeerFetcher.builder(directory, TOKEN).build();
  }

  @AfterEach
  void stop() {
    fetcher.close();
    near.close();
    far.close();
  }

  private static PeerBlobServer serve(ContentStore store, int maxUploads) throws IOException {
    return PeerBlobServer.start(
        new InetSocketAddress("127.0.0.1", 0), store.blobs(), TOKEN, maxUploads, Optional::empty);
  }

  private static URI url(PeerBlobServer server) {
    return URI.create("http://127.0.0.1:" + server.address().getPort());
  }

  private static void put(ContentStore store, byte[] bytes) throws IOException {
    try (BlobWriter writer = store.blobs().ingest(Digest.sha256(bytes), bytes.length)) {
      writer.write(bytes);
      writer.commit();
    }
  }

  private Optional<PeerStream> open() throws InterruptedException {
    return fetcher.open("app", digest, blob.length, 0);
  }

  private static byte[] readAll(PeerStream stream) throws IOException {
    try (stream) {
      return stream.body().readAllBytes();
    }
  }

  @Test
  void aPeerOfTheSiteDownloadingTheBlobKeepsTheFetchOffOtherSites() throws Exception {
    try (BlobWriter writer = nearStore.blobs().ingest(digest, blob.length)) {
      writer.write(blob, 0, blob.length / 2); // the near peer is fetching it right now
      assertThat(open()).as("the far peer holds it, but the site will have it soon").isEmpty();
      assertThat(far.bytesServed()).isZero();

      writer.write(blob, blob.length / 2, blob.length - blob.length / 2);
      writer.commit();
    }
    PeerStream stream = open().orElseThrow();
    assertThat(stream.peer()).isEqualTo("near");
    assertThat(readAll(stream)).isEqualTo(blob);
    assertThat(far.bytesServed()).isZero();
    assertThat(fetcher.abandonments()).isZero();
  }

  @Test
  void withNobodyOfTheSiteBusyTheNearestPeerHoldingItServes() throws Exception {
    PeerStream stream = open().orElseThrow();
    assertThat(stream.peer()).isEqualTo("far");
    assertThat(readAll(stream)).isEqualTo(blob);
  }

  @Test
  void aFullPeerOfTheSiteIsAskedAgainNotAbandoned() throws Exception {
    put(nearStore, blob);
    HttpClient http = HttpClient.newHttpClient();
    // The near peer's only upload slot is taken by a body nobody reads.
    HttpResponse<InputStream> held =
        http.send(
            HttpRequest.newBuilder(URI.create(url(near) + "/v2/app/blobs/" + digest))
                .header("Authorization", TOKEN.authorizationHeader())
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try {
      assertThat(held.statusCode()).isEqualTo(200);
      assertThat(open()).as("the near peer is full: wait for it, not the far one").isEmpty();
      assertThat(near.rejectedFull()).isEqualTo(1);
      assertThat(far.bytesServed()).isZero();
      assertThat(fetcher.abandonments()).isZero();
    } finally {
      held.body().close();
      http.close();
    }
    PeerStream stream = null;
    for (int i = 0; i < 100 && stream == null; i++) {
      stream = open().orElse(null); // the held upload ends once the server notices the close
      if (stream == null) {
        Thread.sleep(50);
      }
    }
    assertThat(stream).isNotNull();
    assertThat(stream.peer()).isEqualTo("near");
    assertThat(readAll(stream)).isEqualTo(blob);
  }

  @Test
  void aPeerSaysWhetherItIsDownloadingThisBlobOrAnother() throws Exception {
    byte[] other = new byte[1000];
    new SplittableRandom(5).nextBytes(other);
    PeerNode peer = PeerNode.of("near", url(near), at(0.05));
    try (PeerClient client = new PeerClient(TOKEN, java.time.Duration.ofSeconds(2))) {
      assertThat(client.ask(peer, "app", digest)).isEqualTo(PeerClient.Answer.ABSENT);
      try (BlobWriter writer = nearStore.blobs().ingest(Digest.sha256(other), other.length)) {
        writer.write(other, 0, 10);
        assertThat(client.ask(peer, "app", digest)).isEqualTo(PeerClient.Answer.BUSY);
        try (BlobWriter mine = nearStore.blobs().ingest(digest, blob.length)) {
          mine.write(blob, 0, 10);
          assertThat(client.ask(peer, "app", digest)).isEqualTo(PeerClient.Answer.FETCHING);
        }
      }
    }
  }
}
