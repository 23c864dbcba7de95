package dev.mrt.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lazy trust against real servers: plain HTTP never loads it, and over HTTPS it refuses what
 * the trust it loads refuses, host names included.
 */
class LazyTrustTest {
  private static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir Path temp;
  private KeyStore serverKeys;
  private HttpServer plain;
  private HttpsServer tls;
  private final AtomicInteger loads = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    // A self-signed certificate for "localhost" only, which no CA vouches for.
    Path store = temp.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "san=dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String out = new String(keytool.getInputStream().readAllBytes());
    assertEquals(0, keytool.waitFor(), out);
    serverKeys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      serverKeys.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(serverKeys, PASSWORD);
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);

    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    plain = HttpServer.create(loopback, 0);
    tls = HttpsServer.create(loopback, 0);
    tls.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    for (HttpServer s : new HttpServer[] {plain, tls}) {
      s.createContext(
          "/",
          ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
          });
      s.start();
    }
  }

  @AfterEach
  void stop() {
    plain.stop(0);
    tls.stop(0);
  }

  private Supplier<X509ExtendedTrustManager> counted(Supplier<X509ExtendedTrustManager> trust) {
    return () -> {
      loads.incrementAndGet();
      return trust.get();
    };
  }

  private static int get(SSLContext context, String url) throws Exception {
    // Not closed: HttpClient is AutoCloseable only from JDK 21, and the suite runs on 17.
    HttpClient client = HttpClient.newBuilder().sslContext(context).build();
    return client
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private X509ExtendedTrustManager trustingTheServer() {
    try {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      trusted.setCertificateEntry("server", serverKeys.getCertificate("server"));
      TrustManagerFactory f =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(trusted);
      return (X509ExtendedTrustManager)
          Arrays.stream(f.getTrustManagers()).findFirst().orElseThrow();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void plainHttpNeverLoadsTheTrust() throws Exception {
    SSLContext context = LazyTrust.context(counted(LazyTrust::jdkDefault));
    int port = plain.getAddress().getPort();
    assertEquals(200, get(context, "http://127.0.0.1:" + port + "/v2/"));
    assertEquals(0, loads.get());
  }

  @Test
  void theJdksTrustRefusesAnUnknownCertificateAndLoadsOnce() {
    SSLContext context = LazyTrust.context(counted(LazyTrust::jdkDefault));
    String url = "https://localhost:" + tls.getAddress().getPort() + "/v2/";
    assertThrows(SSLHandshakeException.class, () -> get(context, url));
    assertThrows(SSLHandshakeException.class, () -> get(context, url));
    assertEquals(1, loads.get());
  }

  @Test
  void aTrustedCertificateIsAcceptedForItsHostNameOnly() throws Exception {
    SSLContext context = LazyTrust.context(counted(this::trustingTheServer));
    int port = tls.getAddress().getPort();
    assertEquals(200, get(context, "https://localhost:" + port + "/v2/"));
    // The same server by address: the certificate names only localhost.
    assertThrows(
        SSLHandshakeException.class, () -> get(context, "https://127.0.0.1:" + port + "/v2/"));
  }
}
