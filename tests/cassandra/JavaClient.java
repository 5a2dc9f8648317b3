// DataStax Java driver 4.x client for the Cassandra tests (tests/cassandra/).
//
// Connects over mutual TLS with a client key store and a trust store (JKS or
// PKCS#12, as certkit writes them), checks the node's identity (HTTPS endpoint
// identification against --expect-ip, so an IP SAN must name it), then runs
// CREATE KEYSPACE, CREATE TABLE, INSERT and SELECT and checks the row read
// back. Prints "OK ..." and exits 0 on success; prints "REFUSED: <reason>" and
// exits 1 when the connection or a statement fails.
//
//   java -cp DRIVER_CLASSPATH:. JavaClient --port P --keystore client.jks
//        --truststore truststore.jks --storepass-file F --expect-ip 127.0.0.1
//        --keyspace ks
import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.EndPoint;
import com.datastax.oss.driver.api.core.ssl.SslEngineFactory;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

public final class JavaClient {
  // Every engine checks the node certificate against one expected address,
  // whatever address the driver learned the node under.
  static final class IdentitySslEngineFactory implements SslEngineFactory {
    private final SSLContext context;
    private final String expected;

    IdentitySslEngineFactory(SSLContext context, String expected) {
      this.context = context;
      this.expected = expected;
    }

    @Override
    public SSLEngine newSslEngine(EndPoint remoteEndpoint) {
      InetSocketAddress address = (InetSocketAddress) remoteEndpoint.resolve();
      SSLEngine engine = context.createSSLEngine(expected, address.getPort());
      engine.setUseClientMode(true);
      SSLParameters parameters = engine.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      engine.setSSLParameters(parameters);
      return engine;
    }

    @Override
    public void close() {}
  }

  static KeyStore load(String path, char[] password) throws Exception {
    // The file name says the format, as certkit names its stores.
    KeyStore store = KeyStore.getInstance(path.endsWith(".p12") ? "PKCS12" : "JKS");
    try (InputStream in = new FileInputStream(path)) {
      store.load(in, password);
    }
    return store;
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) args.put(argv[i], argv[i + 1]);
    int port = Integer.parseInt(args.get("--port"));
    String expected = args.get("--expect-ip");
    String keyspace = args.get("--keyspace");
    char[] password =
        Files.readAllLines(Paths.get(args.get("--storepass-file"))).get(0).toCharArray();

    KeyManagerFactory kmf = null;
    if (args.containsKey("--keystore")) {
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(load(args.get("--keystore"), password), password);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load(args.get("--truststore"), password));
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);

    DriverConfigLoader config =
        DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(20))
            .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofSeconds(20))
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
            .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
            .build();
    try (CqlSession session =
        CqlSession.builder()
            .withConfigLoader(config)
            .addContactPoint(new InetSocketAddress("127.0.0.1", port))
            .withLocalDatacenter("datacenter1")
            .withSslEngineFactory(new IdentitySslEngineFactory(context, expected))
            .build()) {
      session.execute(
          "CREATE KEYSPACE IF NOT EXISTS " + keyspace
              + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
      session.execute("CREATE TABLE IF NOT EXISTS " + keyspace + ".t (id uuid PRIMARY KEY, v text)");
      UUID id = UUID.randomUUID();
      session.execute(
          session.prepare("INSERT INTO " + keyspace + ".t (id, v) VALUES (?, ?)").bind(id, "from java"));
      Row row =
          session.execute(session.prepare("SELECT v FROM " + keyspace + ".t WHERE id = ?").bind(id)).one();
      if (row == null || !"from java".equals(row.getString("v"))) {
        System.out.println("FAIL: read back " + (row == null ? "nothing" : row.getString("v")));
        System.exit(2);
      }
      System.out.println(
          "OK java: wrote and read " + keyspace + ".t over mutual TLS (node identity " + expected + ")");
    } catch (AllNodesFailedException e) {
      // Every error of every node, each with its causes (the TLS alert is
      // usually a cause of a connection error).
      StringBuilder reason = new StringBuilder();
      e.getAllErrors().forEach((node, errors) -> {
        for (Throwable t : errors) {
          reason.append(reason.length() == 0 ? "" : "; ").append(node.getEndPoint()).append(": ");
          appendWithCauses(reason, t);
        }
      });
      System.out.println("REFUSED: " + (reason.length() == 0 ? e.toString() : reason));
      System.exit(1);
    } catch (Exception e) {
      StringBuilder reason = new StringBuilder();
      appendWithCauses(reason, e);
      System.out.println("REFUSED: " + reason);
      System.exit(1);
    }
  }

  static void appendWithCauses(StringBuilder out, Throwable t) {
    out.append(t);
    for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      out.append(" <- ").append(c);
    }
  }
}
