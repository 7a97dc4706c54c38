package io.brume.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** Responses the proxy writes itself; they always close the connection. */
final class ErrorResponses {
  private ErrorResponses() {}

  static void send(HttpOutput out, int status, @Nullable String detail) throws IOException {
    byte[] body = (reason(status) + ": " + detail + "\n").getBytes(StandardCharsets.UTF_8);
    out.writeAscii(
        "HTTP/1.1 "
            + status
            + " "
            + reason(status)
            + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n");
    out.write(body);
    out.flush();
  }

  /** Best effort: the client may already be gone. */
  static void sendQuietly(HttpOutput out, int status, @Nullable String detail) {
    try {
      send(out, status, detail);
    } catch (IOException e) {
      // The connection is closed next anyway.
    }
  }

  static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 408 -> "Request Timeout";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 417 -> "Expectation Failed";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 505 -> "HTTP Version Not Supported";
      default -> "Error";
    };
  }
}
