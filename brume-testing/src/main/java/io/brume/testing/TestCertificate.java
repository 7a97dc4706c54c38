package io.brume.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * A self-signed RSA certificate for {@code 127.0.0.1} and {@code localhost}, made once per JVM with
 * {@code openssl} (a JVM-based keytool takes seconds on a loaded machine). Used to sign registry
 * tokens and to serve TLS from a {@link LocalRegistry}.
 *
 * @param privateKey the RSA private key
 * @param certificate the self-signed certificate
 */
public record TestCertificate(PrivateKey privateKey, X509Certificate certificate) {

  private static @Nullable TestCertificate shared;

  /** The JVM-wide test certificate. */
  public static synchronized TestCertificate get() {
    if (shared == null) {
      try {
        shared = generate();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create test certificate", e);
      }
    }
    return shared;
  }

  private static TestCertificate generate() throws IOException {
    Path directory = Files.createTempDirectory("brume-cert-");
    try {
      Path keyFile = directory.resolve("key.pem");
      Path certFile = directory.resolve("cert.pem");
      runOpenssl(keyFile, certFile);
      PrivateKey key =
          KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pemBody(keyFile)));
      try (var in = Files.newInputStream(certFile)) {
        return new TestCertificate(
            key, (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot load the key made by openssl", e);
    } finally {
      TempDirs.deleteRecursively(directory);
    }
  }

  private static byte[] pemBody(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new IOException(file + " is not a PKCS#8 PEM private key");
    }
    return Base64.getMimeDecoder().decode(text.replaceAll("-----[A-Z ]+-----", ""));
  }

  private static void runOpenssl(Path keyFile, Path certFile) throws IOException {
    Process process;
    try {
      process =
          new ProcessBuilder(
                  "openssl",
                  "req",
                  "-x509",
                  "-newkey",
                  "rsa:2048",
                  "-nodes",
                  "-keyout",
                  keyFile.toString(),
                  "-out",
                  certFile.toString(),
                  "-subj",
                  "/CN=brume test",
                  "-addext",
                  "subjectAltName=IP:127.0.0.1,DNS:localhost",
                  "-days",
                  "2")
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new IOException("cannot run openssl: install the Debian package openssl", e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IOException("openssl failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running openssl", e);
    }
  }

  /** Writes the certificate as PEM. */
  public Path writeCertificatePem(Path file) throws IOException {
    try {
      return Files.writeString(file, pem("CERTIFICATE", certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot encode certificate", e);
    }
  }

  /** Writes the private key as PKCS#8 PEM (owner-readable only). */
  public Path writeKeyPem(Path file) throws IOException {
    Files.writeString(file, pem("PRIVATE KEY", privateKey.getEncoded()));
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /** A client TLS context that trusts exactly this certificate. */
  public SSLContext trustingContext() {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("brume-test", certificate);
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build trust for the test certificate", e);
    }
  }
}
