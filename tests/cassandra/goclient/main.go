// gocql client for the Cassandra tests (tests/cassandra/).
//
// Connects over mutual TLS, checks the node's identity (its certificate must
// name -expect-ip), then runs CREATE KEYSPACE, CREATE TABLE, INSERT and
// SELECT and checks the row read back. Prints "OK ..." and exits 0 on
// success; prints "REFUSED: <reason>" and exits 1 when the connection or a
// statement fails.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/gocql/gocql"
)

// tlsConfig builds the client side: certkit's CA as the only root, the node
// identity as ServerName (an IP matches the certificate's IP SAN), TLS 1.2
// at least, and the client certificate when given.
func tlsConfig(ca, cert, key, expectIP string) (*tls.Config, error) {
	pem, err := os.ReadFile(ca)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: no PEM certificate", ca)
	}
	cfg := &tls.Config{RootCAs: roots, ServerName: expectIP, MinVersion: tls.VersionTLS12}
	if cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

func run() error {
	host := flag.String("host", "127.0.0.1", "node address")
	port := flag.Int("port", 0, "native transport port")
	ca := flag.String("ca", "", "CA certificate (PEM)")
	cert := flag.String("cert", "", "client certificate (PEM)")
	key := flag.String("key", "", "client key (PEM)")
	expectIP := flag.String("expect-ip", "", "address the node certificate must name")
	keyspace := flag.String("keyspace", "", "keyspace to create")
	flag.Parse()

	cfg, err := tlsConfig(*ca, *cert, *key, *expectIP)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	cluster := gocql.NewCluster(*host)
	cluster.Port = *port
	cluster.ProtoVersion = 4
	cluster.Timeout = 20 * time.Second
	cluster.ConnectTimeout = 20 * time.Second
	cluster.DisableInitialHostLookup = true
	cluster.SslOpts = &gocql.SslOptions{Config: cfg, EnableHostVerification: true}
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

func main() {
	if err := run(); err != nil {
		fmt.Printf("REFUSED: %v\n", err)
		os.Exit(1)
	}
}
