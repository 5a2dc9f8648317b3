// gocql client for the Cassandra tests (tests/cassandra/).
//
// Connects over mutual TLS through the certkit binding's per-host dialer
// (certkit.NewDialer as gocql's HostDialer: the client key from a
// JKS/PKCS#12 key store or PEM files, the anchors from a trust store or a
// PEM bundle, the library's peer check verifying each node's chain and
// identity: -expect-ip when given, else the address gocql dialed), then runs CREATE KEYSPACE, CREATE TABLE, INSERT and
// SELECT and checks the row read back. Prints "OK ..." and exits 0 on
// success; prints "REFUSED: <reason>" and exits 1 when the connection or a
// statement fails.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/certkit/certkit/bindings/go/certkit"
	"github.com/gocql/gocql"
)

func run() error {
	host := flag.String("host", "127.0.0.1", "node address")
	port := flag.Int("port", 0, "native transport port")
	keystore := flag.String("keystore", "", "client key store (JKS or PKCS#12)")
	truststore := flag.String("truststore", "", "trust store (JKS or PKCS#12)")
	passFile := flag.String("storepass-file", "", "file whose first line is the store password")
	ca := flag.String("ca", "", "CA certificate (PEM), instead of -truststore")
	cert := flag.String("cert", "", "client certificate (PEM), instead of -keystore")
	key := flag.String("key", "", "client key (PEM)")
	expectIP := flag.String("expect-ip", "", "address the node certificate must name")
	keyspace := flag.String("keyspace", "", "keyspace to create")
	flag.Parse()

	password := ""
	if *passFile != "" {
		data, err := os.ReadFile(*passFile)
		if err != nil {
			return fmt.Errorf("setup: %w", err)
		}
		password = strings.SplitN(string(data), "\n", 2)[0]
	}
	dialer, err := certkit.NewDialer(certkit.TLSOptions{
		KeyStore: *keystore, KeyStorePassword: password,
		TrustStore: *truststore, TrustStorePassword: password,
		CertFile: *cert, KeyFile: *key, CAFile: *ca,
		Peer: *expectIP,
	})
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	cluster := gocql.NewCluster(*host)
	cluster.Port = *port
	cluster.ProtoVersion = 4
	cluster.Timeout = 20 * time.Second
	cluster.ConnectTimeout = 20 * time.Second
	cluster.DisableInitialHostLookup = true
	// Every connection goes through certkit's dialer, which checks the
	// node's certificate against the address dialed (SslOpts is unused
	// with a HostDialer).
	cluster.HostDialer = hostDialer{dialer}
	session, err := cluster.CreateSession()
	if err != nil {
		return err
	}
	defer session.Close()

	ks := *keyspace
	stmts := []string{
		"CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
		"CREATE TABLE IF NOT EXISTS " + ks + ".t (id uuid PRIMARY KEY, v text)",
	}
	for _, s := range stmts {
		if err := session.Query(s).Exec(); err != nil {
			return err
		}
	}
	id := gocql.TimeUUID()
	if err := session.Query("INSERT INTO "+ks+".t (id, v) VALUES (?, ?)", id, "from go").Exec(); err != nil {
		return err
	}
	var v string
	if err := session.Query("SELECT v FROM "+ks+".t WHERE id = ?", id).Scan(&v); err != nil {
		return err
	}
	if v != "from go" {
		fmt.Printf("FAIL: read back %q\n", v)
		os.Exit(2)
	}
	fmt.Printf("OK go: wrote and read %s.t over mutual TLS (node identity %s)\n", ks, *expectIP)
	return nil
}

// hostDialer adapts certkit's Dialer to gocql's HostDialer: one TLS
// connection per node address, verified against that address.
type hostDialer struct{ d *certkit.Dialer }

func (h hostDialer) DialHost(ctx context.Context, host *gocql.HostInfo) (*gocql.DialedHost, error) {
	conn, err := h.d.DialContext(ctx, "tcp", host.ConnectAddressAndPort())
	if err != nil {
		return nil, err
	}
	// Write coalescing cannot use writev on a TLS connection (gocql's own
	// TLS dialer sets the same).
	return &gocql.DialedHost{Conn: conn, DisableCoalesce: true}, nil
}

func main() {
	if err := run(); err != nil {
		fmt.Printf("REFUSED: %v\n", err)
		os.Exit(1)
	}
}
