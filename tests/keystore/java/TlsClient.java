// TlsClient: a minimal JSSE TLS client used by certkit's tests, the peer of
// TlsServer (compile the two together: it uses TlsServer.context): it
// presents the key entry of a key store and trusts what a trust store
// trusts (Java's default PKIX trust manager).
//
// Usage: java TlsClient KEYSTORE KEYSTORE_PASS KEYSTORE_TYPE
//                       TRUSTSTORE TRUSTSTORE_PASS TRUSTSTORE_TYPE HOST PORT
// Connects, completes the handshake and reads the server's first line.
// Prints "CLIENT OK <server subject>" and exits 0, or "CLIENT FAILED
// <reason>" and exits 1; 2 on a setup error (bad store, wrong password), 3
// on bad usage.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

public final class TlsClient {
  public static void main(String[] args) {
    if (args.length != 8) {
      System.err.println("usage: TlsClient KEYSTORE PASS TYPE TRUSTSTORE PASS TYPE HOST PORT");
      System.exit(3);
    }
    SSLContext ctx;
    try {
      ctx = TlsServer.context(args);
    } catch (Exception e) {
      System.out.println("SETUP FAILED " + e);
      System.exit(2);
      return;
    }
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(args[6], Integer.parseInt(args[7]))) {
      s.setSoTimeout(30000);
      s.startHandshake();
      // The server writes only after it accepted our certificate.
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      String line = in.readLine();
      if (line == null) throw new java.io.IOException("the server closed the connection");
      X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
      System.out.println("CLIENT OK " + peer.getSubjectX500Principal().getName());
      System.exit(0);
    } catch (Exception e) {
      System.out.println("CLIENT FAILED " + e);
      System.exit(1);
    }
  }
}
