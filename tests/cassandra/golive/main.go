// golive: the gocql load client of the live CA rotation test
// (live_rotation.sh). Writes and reads one row after another at CL=ALL
// against every node over mutual TLS through certkit.NewDialer with
// TLSOptions.Reload (the key store and trust store are read again when they
// change; the node's identity is the address dialled). Driven like
// live_client.py through files in -control: on a new stage it opens a fresh
// session (new handshakes, with whatever material the files hold now), does
// one CL=ALL write and read on it, swaps it in and writes <name>.ack; on
// "stop" it prints its totals and exits 1 when a request failed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/certkit/certkit/bindings/go/certkit"
	"github.com/gocql/gocql"
)

type countingDialer struct {
	d          *certkit.Dialer
	handshakes *int64
}

func (h countingDialer) DialHost(ctx context.Context, host *gocql.HostInfo) (*gocql.DialedHost, error) {
	conn, err := h.d.DialContext(ctx, "tcp", host.ConnectAddressAndPort())
	if err != nil {
		return nil, err
	}
	atomic.AddInt64(h.handshakes, 1)
	return &gocql.DialedHost{Conn: conn, DisableCoalesce: true}, nil
}

func writeAtomic(path, text string) error {
	if err := os.WriteFile(path+".tmp", []byte(text), 0o644); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

func run() (int, error) {
	hosts := flag.String("hosts", "", "node addresses, comma-separated")
	port := flag.Int("port", 0, "native transport port")
	keystore := flag.String("keystore", "", "client key store")
	truststore := flag.String("truststore", "", "trust store")
	passFile := flag.String("storepass-file", "", "file whose first line is the store password")
	control := flag.String("control", "", "control folder")
	name := flag.String("name", "go", "client name")
	flag.Parse()

	data, err := os.ReadFile(*passFile)
	if err != nil {
		return 0, err
	}
	password := strings.SplitN(string(data), "\n", 2)[0]
	dialer, err := certkit.NewDialer(certkit.TLSOptions{
		KeyStore: *keystore, KeyStorePassword: password,
		TrustStore: *truststore, TrustStorePassword: password,
		Reload: true, ReloadInterval: 100 * time.Millisecond,
		OnReloadError: func(err error) { fmt.Printf("reload error: %v\n", err) },
	})
	if err != nil {
		return 0, err
	}
	var handshakes int64
	connect := func() (*gocql.Session, error) {
		cluster := gocql.NewCluster(strings.Split(*hosts, ",")...)
		cluster.Port = *port
		cluster.ProtoVersion = 4
		cluster.Consistency = gocql.All
		cluster.Timeout = 20 * time.Second
		cluster.ConnectTimeout = 20 * time.Second
		cluster.HostDialer = countingDialer{dialer, &handshakes}
		return cluster.CreateSession()
	}
	session, err := connect()
	if err != nil {
		return 0, err
	}
	ks := "ks_live_" + *name
	for _, s := range []string{
		"CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}",
		"CREATE TABLE IF NOT EXISTS " + ks + ".t (id uuid PRIMARY KEY, v text)",
	} {
		if err := session.Query(s).Exec(); err != nil {
			return 0, err
		}
	}
	var requests, failed int64
	oneRequest := func(s *gocql.Session) {
		requests++
		id := gocql.TimeUUID()
		err := s.Query("INSERT INTO "+ks+".t (id, v) VALUES (?, ?)", id, "live").Exec()
		var v string
		if err == nil {
			err = s.Query("SELECT v FROM "+ks+".t WHERE id = ?", id).Scan(&v)
		}
		if err == nil && v != "live" {
			err = fmt.Errorf("read back %q", v)
		}
		if err != nil {
			failed++
			fmt.Printf("FAILED request %d: %v\n", requests, err)
		}
	}
	stageFile := filepath.Join(*control, "stage")
	ackFile := filepath.Join(*control, *name+".ack")
	stage := "start"
	var totalReq, totalFailed, baseHs int64
	if err := writeAtomic(ackFile, "start\n"); err != nil {
		return 0, err
	}
	for {
		wanted := "start"
		if b, err := os.ReadFile(stageFile); err == nil {
			wanted = strings.TrimSpace(string(b))
		}
		if wanted != stage {
			hs := atomic.LoadInt64(&handshakes)
			fmt.Printf("STAGE %s %s: requests %d failed %d handshakes %d\n", *name, stage, requests, failed, hs-baseHs)
			totalReq += requests
			totalFailed += failed
			if wanted == "stop" {
				break
			}
			stage, requests, failed, baseHs = wanted, 0, 0, hs
			fresh, err := connect()
			if err != nil {
				requests++
				failed++
				fmt.Printf("FAILED request %d: a fresh session: %v\n", requests, err)
			} else {
				oneRequest(fresh)
				session.Close()
				session = fresh
			}
			if err := writeAtomic(ackFile, stage+"\n"); err != nil {
				return 0, err
			}
			continue
		}
		oneRequest(session)
		time.Sleep(10 * time.Millisecond)
	}
	session.Close()
	fmt.Printf("TOTAL %s: requests %d failed %d handshakes %d\n", *name, totalReq, totalFailed,
		atomic.LoadInt64(&handshakes))
	if totalFailed != 0 {
		return 1, nil
	}
	return 0, nil
}

func main() {
	code, err := run()
	if err != nil {
		fmt.Printf("ERROR: %v\n", err)
		os.Exit(2)
	}
	os.Exit(code)
}
