package io.brume.proxy;

import java.util.Set;

/** Request line and header fields of one HTTP/1.x request. */
record RequestHead(String method, String target, String version, HttpHeaders headers) {
  private static final Set<String> IDEMPOTENT =
      Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");

  boolean isHttp10() {
    return version.equals("HTTP/1.0");
  }

  /** RFC 9110 §9.2.2: safe to send twice, so retriable on another replica. */
  boolean isIdempotent() {
    return IDEMPOTENT.contains(method);
  }

  /** Whether the client wants the connection kept open after this exchange (RFC 9112 §9.3). */
  boolean clientKeepsAlive() {
    if (headers.hasToken("Connection", "close")) {
      return false;
    }
    return !isHttp10() || headers.hasToken("Connection", "keep-alive");
  }
}
