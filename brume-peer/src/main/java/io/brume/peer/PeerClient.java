package io.brume.peer;

import io.brume.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Talks to other nodes' {@link PeerBlobServer}s: asks whether they hold a blob, and opens it. */
final class PeerClient implements AutoCloseable {
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

  /** A peer's answer to "do you have this blob?". */
  enum Answer {
    HAS,
    ABSENT,
    /** Absent, but the peer is downloading this very blob right now. */
    FETCHING,
    /** Absent, and the peer is downloading another blob right now (e.g. an image's other layer). */
    BUSY,
    FULL,
    /** No answer within the ask timeout: alive (it accepted the connection) but busy. */
    SLOW,
    REFUSED,
    UNREACHABLE
  }

  private final HttpClient http;
  private final ClusterToken token;
  private final Duration askTimeout;

  PeerClient(ClusterToken token, Duration askTimeout) {
    this.token = token;
    this.askTimeout = askTimeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(askTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  private static URI blobUri(PeerNode peer, String repository, Digest digest) {
    String base = peer.url().toString().replaceAll("/+$", "");
    return URI.create(base + "/v2/" + repository + "/blobs/" + digest);
  }

  /** {@code HEAD}: does the peer hold the verified blob? Never throws for the peer's faults. */
  Answer ask(PeerNode peer, String repository, Digest digest) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(blobUri(peer, repository, digest))
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .header("Authorization", token.authorizationHeader())
            .timeout(askTimeout)
            .build();
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      int status = response.statusCode();
      Answer absent =
          response
              .headers()
              .firstValue(PeerBlobServer.FETCHING_HEADER)
              .map(v -> v.equals(PeerBlobServer.FETCHING_THIS) ? Answer.FETCHING : Answer.BUSY)
              .orElse(Answer.ABSENT);
      return switch (status) {
        case 200 -> Answer.HAS;
        case 404 -> absent;
        case 429, 503 -> Answer.FULL;
        default -> Answer.REFUSED;
      };
    } catch (HttpTimeoutException e) {
      // A connect timeout is a peer that is gone; a request timeout one that is loaded.
      return e instanceof HttpConnectTimeoutException ? Answer.UNREACHABLE : Answer.SLOW;
    } catch (IOException e) {
      return Answer.UNREACHABLE;
    }
  }

  /**
   * {@code GET} from {@code offset} ({@code Range} when &gt; 0). The body starts exactly at {@code
   * offset}, or this throws.
   */
  InputStream open(PeerNode peer, String repository, Digest digest, long offset)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(blobUri(peer, repository, digest))
            .GET()
            .header("Authorization", token.authorizationHeader())
            .timeout(askTimeout);
    if (offset > 0) {
      request.header("Range", "bytes=" + offset + "-");
    }
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      if (e instanceof HttpConnectTimeoutException) {
        throw new PeerUnavailableException("peer " + peer.name() + " unreachable: " + e, e);
      }
      throw new PeerUnavailableException("peer " + peer.name() + " is slow to answer: " + e, true);
    } catch (IOException e) {
      throw new PeerUnavailableException("peer " + peer.name() + " unreachable: " + e, e);
    }
    int status = response.statusCode();
    if (status == 200 && offset == 0) {
      return response.body();
    }
    if (status == 206) {
      Matcher m = CONTENT_RANGE.matcher(response.headers().firstValue("Content-Range").orElse(""));
      if (m.matches() && Long.parseLong(m.group(1)) == offset) {
        return response.body();
      }
    }
    response.body().close();
    if (status == 429 || status == 503) {
      throw new PeerUnavailableException(
          "peer " + peer.name() + " is serving its maximum of uploads", true);
    }
    String why =
        switch (status) {
          case 404 -> "no longer has the blob";
          case 401 -> "refused the cluster token";
          default -> "answered HTTP " + status + (status == 200 ? " without the range" : "");
        };
    throw new PeerUnavailableException("peer " + peer.name() + " " + why);
  }

  @Override
  public void close() {
    http.close();
  }
}
