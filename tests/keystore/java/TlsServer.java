// TlsServer: a minimal JSSE TLS server used by certkit's tests to prove that
// the real JDK accepts certkit-made key stores and trust stores.
//
// Usage: java TlsServer KEYSTORE KEYSTORE_PASS KEYSTORE_TYPE
//                       TRUSTSTORE TRUSTSTORE_PASS TRUSTSTORE_TYPE
//                       REQUIRE_CLIENT_AUTH(true|false) PORT(0 = any) [HANDSHAKES=1]
// Listens on 127.0.0.1, prints "READY <port>" once listening, then accepts
// HANDSHAKES connections. For each it prints "HANDSHAKE OK <peer subject>"
// (then sends "HELLO\n", best effort) or "HANDSHAKE FAILED <reason>". Exit status: 0 when
// every handshake succeeded, 1 when one failed, 2 on a setup error (bad
// store, wrong password, ...), 3 on bad usage.
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public final class TlsServer {
  private static KeyStore load(String path, String pass, String type) throws Exception {
    KeyStore ks = KeyStore.getInstance(type);
    try (InputStream in = new FileInputStream(path)) {
      ks.load(in, pass.toCharArray());
    }
    return ks;
  }

  // context builds a TLS context from args[0..5]: KEYSTORE PASS TYPE
  // TRUSTSTORE PASS TYPE (the key store's password unlocks its key too).
  // TlsClient uses it as well.
  static SSLContext context(String[] args) throws Exception {
    KeyStore keyStore = load(args[0], args[1], args[2]);
    KeyStore trustStore = load(args[3], args[4], args[5]);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keyStore, args[1].toCharArray());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trustStore);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  public static void main(String[] args) {
    if (args.length < 8 || args.length > 9) {
      System.err.println("usage: TlsServer KEYSTORE PASS TYPE TRUSTSTORE PASS TYPE REQUIRE_CLIENT_AUTH PORT [HANDSHAKES]");
      System.exit(3);
    }
    SSLServerSocket server;
    int handshakes;
    try {
      SSLContext ctx = context(args);
      server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(
          Integer.parseInt(args[7]), 8, InetAddress.getByName("127.0.0.1"));
      server.setNeedClientAuth(Boolean.parseBoolean(args[6]));
      handshakes = args.length == 9 ? Integer.parseInt(args[8]) : 1;
    } catch (Exception e) {
      System.out.println("SETUP FAILED " + e);
      System.exit(2);
      return;
    }
    System.out.println("READY " + server.getLocalPort());
    System.out.flush();
    boolean allOk = true;
    for (int i = 0; i < handshakes; i++) {
      try (SSLSocket s = (SSLSocket) server.accept()) {
        s.setSoTimeout(30000);
        s.startHandshake();
        String peer = "(no client certificate)";
        try {
          peer = ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
          // no client auth requested
        }
        // The server side of the handshake (TLS 1.2 and 1.3) completes only
        // after the client's Certificate and Finished were checked.
        System.out.println("HANDSHAKE OK " + peer);
        try {
          OutputStream out = s.getOutputStream();
          out.write("HELLO\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } catch (java.io.IOException e) {
          // the client may already have closed the connection
        }
      } catch (Exception e) {
        allOk = false;
        System.out.println("HANDSHAKE FAILED " + e);
      }
      System.out.flush();
    }
    System.exit(allOk ? 0 : 1);
  }
}
