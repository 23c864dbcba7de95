package dev.mrt.image.registry;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's default trust (its CA certificates, or {@code javax.net.ssl.trustStore}), loaded on the
 * first TLS handshake instead of when the HTTP client is built: a pull from a plain-HTTP registry
 * (loopback, or listed insecure) never parses the ~150 CA certificates, measured ~50 ms of a cold
 * {@code mrt pull}. Every check goes to the default trust manager unchanged, the {@link SSLEngine}
 * ones included, which are where the HTTP client's host name check happens.
 */
final class LazyTrust extends X509ExtendedTrustManager {
  private final Supplier<X509ExtendedTrustManager> load;
  private volatile X509ExtendedTrustManager trust;

  LazyTrust(Supplier<X509ExtendedTrustManager> load) {
    this.load = load;
  }

  /**
   * A TLS context that trusts as {@link SSLContext#getDefault()} does, with its trust loaded
   * lazily. Client certificates from {@code javax.net.ssl.keyStore} need the default context's key
   * managers: then it is the default context itself.
   */
  static SSLContext context() {
    if (System.getProperty("javax.net.ssl.keyStore") != null) {
      try {
        return SSLContext.getDefault();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("this JDK has no TLS: " + e, e);
      }
    }
    return context(LazyTrust::jdkDefault);
  }

  /** A TLS context that trusts what {@code load} returns, called at the first handshake. */
  static SSLContext context(Supplier<X509ExtendedTrustManager> load) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new LazyTrust(load)}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no TLS: " + e, e);
    }
  }

  static X509ExtendedTrustManager jdkDefault() {
    try {
      TrustManagerFactory f =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init((KeyStore) null);
      return Arrays.stream(f.getTrustManagers())
          .filter(X509ExtendedTrustManager.class::isInstance)
          .map(X509ExtendedTrustManager.class::cast)
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("the JDK has no X.509 trust manager"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the JDK's trusted certificates: " + e, e);
    }
  }

  private X509ExtendedTrustManager trust() {
    X509ExtendedTrustManager t = trust;
    if (t == null) {
      synchronized (this) {
        t = trust;
        if (t == null) {
          t = load.get();
          trust = t;
        }
      }
    }
    return t;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    trust().checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    trust().checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    trust().checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    trust().checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    trust().checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    trust().checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return trust().getAcceptedIssuers();
  }
}
