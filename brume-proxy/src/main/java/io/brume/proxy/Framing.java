package io.brume.proxy;

import java.io.IOException;
import java.util.List;

/**
 * How a message body is delimited (RFC 9112 §6): none, a {@code Content-Length}, chunked, or (for
 * responses only) the end of the connection.
 */
record Framing(Kind kind, long length) {
  enum Kind {
    NONE,
    LENGTH,
    CHUNKED,
    UNTIL_CLOSE
  }

  static final Framing NONE = new Framing(Kind.NONE, 0);
  static final Framing CHUNKED = new Framing(Kind.CHUNKED, -1);
  static final Framing UNTIL_CLOSE = new Framing(Kind.UNTIL_CLOSE, -1);

  /** Framing of a request body; rejects the ambiguous combinations used for request smuggling. */
  static Framing ofRequest(RequestHead request, HttpInput in) throws IOException {
    HttpHeaders headers = request.headers();
    List<String> transferEncodings = headers.all("Transfer-Encoding");
    List<String> contentLengths = headers.all("Content-Length");
    if (!transferEncodings.isEmpty()) {
      if (!contentLengths.isEmpty()) {
        throw in.malformed(400, "both Transfer-Encoding and Content-Length");
      }
      if (request.isHttp10()) {
        throw in.malformed(400, "Transfer-Encoding in an HTTP/1.0 request");
      }
      if (!isChunkedOnly(transferEncodings)) {
        throw in.malformed(501, "unsupported Transfer-Encoding " + transferEncodings);
      }
      return CHUNKED;
    }
    if (contentLengths.size() > 1
        || (!contentLengths.isEmpty() && contentLengths.get(0).contains(","))) {
      // RFC 9110 §8.6 lets a recipient accept a list of equal values, but the proxy forwards the
      // field as it came and backends refuse such a list (issue 15: "Content-Length: 5, 5" got
      // the backend penalised for a client's request). One value or 400, as nginx does.
      throw in.malformed(400, "more than one Content-Length value " + contentLengths);
    }
    long length = contentLength(contentLengths, in);
    return length <= 0 ? NONE : new Framing(Kind.LENGTH, length);
  }

  /** Framing of a response body to {@code requestMethod}. */
  static Framing ofResponse(String requestMethod, ResponseHead response, HttpInput in)
      throws IOException {
    int status = response.status();
    if (requestMethod.equals("HEAD") || status / 100 == 1 || status == 204 || status == 304) {
      return NONE;
    }
    HttpHeaders headers = response.headers();
    List<String> transferEncodings = headers.all("Transfer-Encoding");
    if (!transferEncodings.isEmpty()) {
      return isChunkedOnly(transferEncodings) ? CHUNKED : UNTIL_CLOSE;
    }
    List<String> contentLengths = headers.all("Content-Length");
    if (contentLengths.isEmpty()) {
      return UNTIL_CLOSE;
    }
    long length = contentLength(contentLengths, in);
    return length == 0 ? NONE : new Framing(Kind.LENGTH, length);
  }

  private static boolean isChunkedOnly(List<String> transferEncodings) {
    return transferEncodings.size() == 1
        && transferEncodings.get(0).strip().equalsIgnoreCase("chunked");
  }

  /**
   * The value of {@code Content-Length} fields, -1 without any; every element must agree (a
   * response may carry a list of equal values; a request is refused earlier).
   */
  private static long contentLength(List<String> values, HttpInput in) throws IOException {
    long length = -1;
    for (String value : values) {
      // A comma-separated list of equal values is allowed (RFC 9110 §8.6), parsed without split.
      int start = 0;
      while (start <= value.length()) {
        int comma = value.indexOf(',', start);
        int end = comma < 0 ? value.length() : comma;
        long parsed = digits(value, start, end);
        if (parsed < 0) {
          throw in.malformed(400, "invalid Content-Length '" + value + "'");
        }
        if (length >= 0 && parsed != length) {
          throw in.malformed(400, "conflicting Content-Length values " + values);
        }
        length = parsed;
        start = end + 1;
      }
    }
    return length;
  }

  /** The number written in {@code text[start, end)} around optional spaces, or -1. */
  private static long digits(String text, int start, int end) {
    while (start < end && Character.isWhitespace(text.charAt(start))) {
      start++;
    }
    while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    if (start == end || end - start > 18) {
      return -1;
    }
    long value = 0;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }
}
