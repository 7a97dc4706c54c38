package io.brume.proxy;

/** Status line and header fields of one HTTP/1.x response. */
record ResponseHead(String version, int status, String reason, HttpHeaders headers) {

  /** Whether the upstream lets the connection be reused after this response. */
  boolean upstreamKeepsAlive() {
    if (headers.hasToken("Connection", "close")) {
      return false;
    }
    return !version.equals("HTTP/1.0") || headers.hasToken("Connection", "keep-alive");
  }
}
