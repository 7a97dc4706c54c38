package io.brume.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/** Creates the {@link HttpClient} of a registry client. */
final class HttpClients {

  private HttpClients() {}

  /**
   * HTTP/1.1 on purpose: parallel layer downloads then get separate TCP connections instead of
   * sharing one HTTP/2 connection's flow-control window, and plain-HTTP registries are not sent an
   * h2c upgrade. Redirects are followed by {@link RegistryTransport} itself.
   */
  static HttpClient create(Duration connectTimeout, boolean insecure, List<Path> caCertificates) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(connectTimeout);
    if (insecure) {
      builder.sslContext(trustingEverything());
    } else if (!caCertificates.isEmpty()) {
      builder.sslContext(trustingAlso(caCertificates));
    }
    return builder.build();
  }

  /** The system's trusted authorities plus the certificates in {@code pemFiles}. */
  private static SSLContext trustingAlso(List<Path> pemFiles) {
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      TrustManagerFactory system =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      system.init((KeyStore) null);
      int n = 0;
      for (TrustManager manager : system.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          for (X509Certificate issuer : x509.getAcceptedIssuers()) {
            trusted.setCertificateEntry("system-" + n++, issuer);
          }
        }
      }
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Path pem : pemFiles) {
        try (InputStream in = Files.newInputStream(pem)) {
          for (Certificate certificate : factory.generateCertificates(in)) {
            trusted.setCertificateEntry("ca-" + n++, certificate);
          }
        } catch (IOException e) {
          throw new IllegalArgumentException("cannot read CA certificate " + pem + ": " + e, e);
        }
      }
      TrustManagerFactory factoryWithCa =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factoryWithCa.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factoryWithCa.getTrustManagers(), new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot use CA certificates " + pemFiles + ": " + e, e);
    }
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
