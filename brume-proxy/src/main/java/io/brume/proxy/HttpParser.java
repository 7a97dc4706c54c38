package io.brume.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** Parses request and response heads and copies chunked bodies, enforcing size limits. */
final class HttpParser {
  static final int MAX_REQUEST_LINE = 8 * 1024;
  static final int MAX_HEADER_LINE = 8 * 1024;
  static final int MAX_HEADER_BYTES = 64 * 1024;
  static final int MAX_HEADER_COUNT = 100;
  private static final int MAX_CHUNK_LINE = 1024;
  private static final byte[] CRLF = {'\r', '\n'};

  private HttpParser() {}

  /**
   * Reads one request head.
   *
   * @return null when the client closed the connection cleanly between requests
   */
  static @Nullable RequestHead readRequest(HttpInput in) throws IOException {
    String line = in.readLine(MAX_REQUEST_LINE, 414);
    // RFC 9112 §2.2: ignore at least one empty line before a request line.
    for (int blank = 0; line != null && line.isEmpty(); blank++) {
      if (blank == 4) {
        throw in.malformed(400, "empty request line");
      }
      line = in.readLine(MAX_REQUEST_LINE, 414);
    }
    if (line == null) {
      return null;
    }
    int first = line.indexOf(' ');
    int last = line.lastIndexOf(' ');
    if (first <= 0 || last == first || last == line.length() - 1) {
      throw in.malformed(400, "request line is not 'method target version'");
    }
    String method = line.substring(0, first);
    String target = line.substring(first + 1, last);
    String version = line.substring(last + 1);
    if (!isToken(method)) {
      throw in.malformed(400, "invalid method");
    }
    // RFC 9112 §3.2: no whitespace at all in the target; header values may hold a TAB, targets not.
    if (target.isEmpty()
        || target.indexOf(' ') >= 0
        || target.indexOf('\t') >= 0
        || hasControl(target)) {
      throw in.malformed(400, "invalid request target");
    }
    if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
      throw in.malformed(version.startsWith("HTTP/") ? 505 : 400, "unsupported version");
    }
    HttpHeaders headers = readHeaders(in, 431);
    RequestHead request = new RequestHead(method, target, version, headers);
    if (!request.isHttp10() && headers.count("Host") != 1) {
      throw in.malformed(400, "HTTP/1.1 request needs exactly one Host header");
    }
    return request;
  }

  /** Reads one response head; end of stream before it is an upstream failure. */
  static ResponseHead readResponse(HttpInput in) throws IOException {
    String line = in.readLine(MAX_REQUEST_LINE, 502);
    if (line == null) {
      throw new IOException("upstream closed the connection before responding");
    }
    if (line.length() < 12
        || !line.startsWith("HTTP/1.")
        || line.charAt(8) != ' '
        || (line.length() > 12 && line.charAt(12) != ' ')) {
      throw in.malformed(502, "invalid status line");
    }
    int status;
    try {
      status = Integer.parseInt(line.substring(9, 12));
    } catch (NumberFormatException e) {
      throw in.malformed(502, "invalid status code");
    }
    if (status < 100 || status > 999) {
      throw in.malformed(502, "invalid status code " + status);
    }
    String reason = line.length() > 13 ? line.substring(13) : "";
    return new ResponseHead(line.substring(0, 8), status, reason, readHeaders(in, 502));
  }

  private static HttpHeaders readHeaders(HttpInput in, int tooLargeStatus) throws IOException {
    HttpHeaders headers = new HttpHeaders();
    int total = 0;
    while (true) {
      String line = in.readLine(MAX_HEADER_LINE, tooLargeStatus);
      if (line == null) {
        throw in.malformed(400, "connection closed inside the header section");
      }
      if (line.isEmpty()) {
        return headers;
      }
      total += line.length() + 2;
      if (total > MAX_HEADER_BYTES || headers.size() == MAX_HEADER_COUNT) {
        throw in.malformed(tooLargeStatus, "header section too large");
      }
      char start = line.charAt(0);
      if (start == ' ' || start == '\t') {
        throw in.malformed(400, "obsolete header line folding");
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || !isToken(line.substring(0, colon))) {
        throw in.malformed(400, "invalid header field name in '" + abbreviate(line) + "'");
      }
      String value = line.substring(colon + 1).strip();
      if (hasControl(value)) {
        throw in.malformed(400, "control character in header " + line.substring(0, colon));
      }
      headers.add(line.substring(0, colon), value);
    }
  }

  /**
   * Copies a chunked body (RFC 9112 §7.1) from {@code in} to {@code out}, validating each chunk.
   *
   * @param keepChunked true to forward chunked (with trailers), false to forward only the data, for
   *     HTTP/1.0 clients
   */
  static void copyChunked(HttpInput in, OutputStream out, boolean keepChunked) throws IOException {
    while (true) {
      String sizeLine = in.readLine(MAX_CHUNK_LINE, 400);
      if (sizeLine == null) {
        throw in.malformed(400, "body ended before the last chunk");
      }
      long size = chunkSize(sizeLine, in);
      if (keepChunked) {
        out.write((Long.toHexString(size) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      }
      if (size == 0) {
        copyTrailers(in, keepChunked ? out : OutputStream.nullOutputStream());
        return;
      }
      in.copyExactly(size, out);
      String end = in.readLine(2, 400);
      if (end == null || !end.isEmpty()) {
        throw in.malformed(400, "chunk not followed by CRLF");
      }
      if (keepChunked) {
        out.write(CRLF);
      }
    }
  }

  /** Copies the trailer section and its terminating empty line. */
  private static void copyTrailers(HttpInput in, OutputStream out) throws IOException {
    int total = 0;
    while (true) {
      String trailer = in.readLine(MAX_HEADER_LINE, 400);
      if (trailer == null) {
        throw in.malformed(400, "body ended inside the trailer section");
      }
      total += trailer.length();
      if (total > MAX_HEADER_BYTES) {
        throw in.malformed(400, "trailer section too large");
      }
      out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      if (trailer.isEmpty()) {
        return;
      }
    }
  }

  private static long chunkSize(String line, HttpInput in) throws IOException {
    int end = line.indexOf(';');
    String hex = (end >= 0 ? line.substring(0, end) : line).strip();
    if (hex.isEmpty() || hex.length() > 15) {
      throw in.malformed(400, "invalid chunk size '" + abbreviate(line) + "'");
    }
    long size = 0;
    for (int i = 0; i < hex.length(); i++) {
      int digit = Character.digit(hex.charAt(i), 16);
      if (digit < 0) {
        throw in.malformed(400, "invalid chunk size '" + abbreviate(line) + "'");
      }
      size = size * 16 + digit;
    }
    return size;
  }

  private static boolean isToken(String text) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean tchar =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasControl(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  private static String abbreviate(String line) {
    return line.length() <= 40 ? line : line.substring(0, 40) + "...";
  }
}
