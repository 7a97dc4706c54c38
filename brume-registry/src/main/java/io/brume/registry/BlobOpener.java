package io.brume.registry;

import io.brume.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /v2/<name>/blobs/<digest>}, optionally from an offset with {@code Range: bytes=N-}.
 * Retries cover opening the stream; a break while reading the body is the caller's to resume.
 */
final class BlobOpener {

  private static final Pattern CONTENT_RANGE =
      Pattern.compile("bytes\\s+(?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)", Pattern.CASE_INSENSITIVE);

  private final RegistryTransport transport;

  BlobOpener(RegistryTransport transport) {
    this.transport = transport;
  }

  BlobResponse open(String repository, Digest digest, long fromOffset)
      throws IOException, InterruptedException {
    if (fromOffset < 0) {
      throw new IllegalArgumentException("negative blob offset " + fromOffset);
    }
    String action =
        "fetch blob "
            + transport.registry()
            + "/"
            + repository
            + "@"
            + digest
            + (fromOffset > 0 ? " from byte " + fromOffset : "");
    Map<String, String> headers =
        fromOffset > 0 ? Map.of("Range", "bytes=" + fromOffset + "-") : Map.of();
    HttpResponse<InputStream> response =
        transport.get(
            "/v2/" + repository + "/blobs/" + digest, Scopes.pull(repository), headers, action);
    int status = response.statusCode();
    if (status == 200) {
      OptionalLong length = contentLength(response);
      return new BlobResponse(response.body(), 0, length, fromOffset == 0);
    }
    if (status == 206) {
      Matcher range = contentRange(action, response);
      if (range.group(1) == null || Long.parseLong(range.group(1)) != fromOffset) {
        response.body().close();
        throw new RegistryException(
            action + ": registry answered with a different range: " + range.group(), 206);
      }
      return new BlobResponse(response.body(), fromOffset, total(range), true);
    }
    if (status == 416 && fromOffset > 0) {
      // Asking from exactly the end of a complete blob is "not satisfiable", yet means "done".
      Matcher range = contentRange(action, response);
      response.body().close();
      if (total(range).orElse(-1) == fromOffset) {
        return new BlobResponse(InputStream.nullInputStream(), fromOffset, total(range), true);
      }
      throw new RegistryException(
          action + ": range not satisfiable, blob size is " + range.group(3), 416);
    }
    throw transport.failure(action, response);
  }

  private static Matcher contentRange(String action, HttpResponse<InputStream> response)
      throws IOException {
    String header = response.headers().firstValue("Content-Range").orElse("");
    Matcher matcher = CONTENT_RANGE.matcher(header.strip());
    if (!matcher.matches()) {
      response.body().close();
      throw new RegistryException(
          action + ": missing or invalid Content-Range '" + header + "'", response.statusCode());
    }
    return matcher;
  }

  private static OptionalLong total(Matcher range) {
    String total = range.group(3);
    return total.equals("*") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(total));
  }

  private static OptionalLong contentLength(HttpResponse<?> response) {
    return response.headers().firstValueAsLong("Content-Length");
  }
}
