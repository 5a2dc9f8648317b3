// The Java driver load client of the live CA rotation test
// (live_rotation.sh). The DataStax Java driver 4.17 (the latest java-driver
// the project's Maven sources serve) reads its key and trust stores once,
// when the session is built: it has no store reload. So on each stage this
// client builds a fresh SSLContext from the client's keystore.jks and
// truststore.jks as they are now, opens a fresh session with it (new
// handshakes with every node, identity = the address dialled), does one
// CL=ALL write and read on it and swaps it in for the old session (which
// keeps serving until then): a reconnect per stage, as an application on
// this driver must do. Otherwise it writes and reads one row after another
// at CL=ALL. Driven like live_client.py through files in --control.
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.EndPoint;
import com.datastax.oss.driver.api.core.ssl.SslEngineFactory;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

public final class LiveClient {
  static final AtomicLong handshakes = new AtomicLong();

  // Checks the node's certificate names the address dialled (JSSE's HTTPS
  // rule) and counts the engines made (one per connection = per handshake).
  static final class CountingSslEngineFactory implements SslEngineFactory {
    private final SSLContext context;

    CountingSslEngineFactory(SSLContext context) {
      this.context = context;
    }

    @Override
    public SSLEngine newSslEngine(EndPoint remoteEndpoint) {
      InetSocketAddress address = (InetSocketAddress) remoteEndpoint.resolve();
      SSLEngine engine =
          context.createSSLEngine(address.getAddress().getHostAddress(), address.getPort());
      engine.setUseClientMode(true);
      SSLParameters parameters = engine.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      engine.setSSLParameters(parameters);
      handshakes.incrementAndGet();
      return engine;
    }

    @Override
    public void close() {}
  }

  static KeyStore load(String path, char[] password) throws Exception {
    KeyStore store = KeyStore.getInstance(path.endsWith(".p12") ? "PKCS12" : "JKS");
    try (InputStream in = new FileInputStream(path)) {
      store.load(in, password);
    }
    return store;
  }

  static Map<String, String> args = new HashMap<>();
  static char[] password;
  static String keyspace;
  static long requests, failed;

  static CqlSession connect() throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(load(args.get("--keystore"), password), password);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load(args.get("--truststore"), password));
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    DriverConfigLoader config =
        DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(20))
            .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofSeconds(20))
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(20))
            .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
            .withString(DefaultDriverOption.REQUEST_CONSISTENCY, "ALL")
            .build();
    int port = Integer.parseInt(args.get("--port"));
    List<InetSocketAddress> points = new ArrayList<>();
    for (String h : args.get("--hosts").split(",")) points.add(new InetSocketAddress(h, port));
    return CqlSession.builder()
        .withConfigLoader(config)
        .addContactPoints(points)
        .withLocalDatacenter("datacenter1")
        .withSslEngineFactory(new CountingSslEngineFactory(context))
        .build();
  }

  static void oneRequest(CqlSession session) {
    requests++;
    try {
      UUID id = UUID.randomUUID();
      session.execute(
          session.prepare("INSERT INTO " + keyspace + ".t (id, v) VALUES (?, ?)").bind(id, "live"));
      Row row = session.execute(session.prepare("SELECT v FROM " + keyspace + ".t WHERE id = ?").bind(id)).one();
      if (row == null || !"live".equals(row.getString("v"))) throw new IllegalStateException("read back wrong row");
    } catch (Exception e) {
      failed++;
      System.out.println("FAILED request " + requests + ": " + e);
    }
  }

  static void writeAtomic(Path path, String text) throws Exception {
    Path tmp = Paths.get(path + ".tmp");
    Files.write(tmp, text.getBytes(StandardCharsets.UTF_8));
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static void main(String[] argv) throws Exception {
    for (int i = 0; i + 1 < argv.length; i += 2) args.put(argv[i], argv[i + 1]);
    password = Files.readAllLines(Paths.get(args.get("--storepass-file"))).get(0).toCharArray();
    String name = args.getOrDefault("--name", "java");
    keyspace = "ks_live_" + name;
    CqlSession session = connect();
    session.execute("CREATE KEYSPACE IF NOT EXISTS " + keyspace
        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}");
    session.execute("CREATE TABLE IF NOT EXISTS " + keyspace + ".t (id uuid PRIMARY KEY, v text)");
    Path stageFile = Paths.get(args.get("--control"), "stage");
    Path ackFile = Paths.get(args.get("--control"), name + ".ack");
    String stage = "start";
    long totalReq = 0, totalFailed = 0, baseHs = 0;
    writeAtomic(ackFile, "start\n");
    while (true) {
      String wanted = "start";
      try {
        wanted = new String(Files.readAllBytes(stageFile), StandardCharsets.UTF_8).trim();
      } catch (NoSuchFileException e) {
        // not yet
      }
      if (!wanted.equals(stage)) {
        long hs = handshakes.get();
        System.out.println("STAGE " + name + " " + stage + ": requests " + requests + " failed " + failed
            + " handshakes " + (hs - baseHs));
        totalReq += requests;
        totalFailed += failed;
        if (wanted.equals("stop")) break;
        stage = wanted;
        requests = 0;
        failed = 0;
        baseHs = hs;
        if (stage.equals("truncated")) {
          // A half-written store: this driver has no reload that could keep
          // the last good material, so the client keeps its session.
          System.out.println("java: stage truncated: keeps its session (no store reload in this driver)");
          oneRequest(session);
          writeAtomic(ackFile, stage + "\n");
          continue;
        }
        try {
          CqlSession fresh = connect();
          oneRequest(fresh);
          session.close();
          session = fresh;
        } catch (Exception e) {
          requests++;
          failed++;
          System.out.println("FAILED request " + requests + ": a fresh session: " + e);
        }
        writeAtomic(ackFile, stage + "\n");
        continue;
      }
      oneRequest(session);
      Thread.sleep(10);
    }
    session.close();
    System.out.println("TOTAL " + name + ": requests " + totalReq + " failed " + totalFailed + " handshakes "
        + handshakes.get());
    System.exit(totalFailed == 0 ? 0 : 1);
  }
}
