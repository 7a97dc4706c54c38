package io.brume.registry;

import java.net.Socket;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** Creates the {@link HttpClient} of a registry client. */
final class HttpClients {

  private HttpClients() {}

  /**
   * HTTP/1.1 on purpose: parallel layer downloads then get separate TCP connections instead of
   * sharing one HTTP/2 connection's flow-control window, and plain-HTTP registries are not sent an
   * h2c upgrade. Redirects are followed by {@link RegistryTransport} itself.
   */
  static HttpClient create(Duration connectTimeout, boolean insecure) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(connectTimeout);
    if (insecure) {
      builder.sslContext(trustingEverything());
    }
    return builder.build();
  }

  // An X509ExtendedTrustManager that accepts everything also skips host name checks, which JSSE
  // performs inside the trust manager.
  private static SSLContext trustingEverything() {
    TrustManager trustAll =
        new X509ExtendedTrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) {}

          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}

          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create TLS context", e);
    }
  }
}
