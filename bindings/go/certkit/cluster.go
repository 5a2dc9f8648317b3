package certkit

/*
#include <stdlib.h>
#include <certkit/certkit.h>
*/
import "C"

import (
	"encoding/json"
	"strings"
	"time"
	"unsafe"
)

// ClusterOptions are the settings of ClusterInit, ClusterAdd, ClusterRenew
// and ClusterRotateCA (the `certkit cluster` commands; layout in
// docs/CLI.md).
// Zero values mean the defaults: init uses key spec "ec:p256" and formats
// pem, jks and p12; add and renew use what the cluster's manifest records.
type ClusterOptions struct {
	Nodes              []string // host names or IP addresses (init, add)
	Clients            []string // user names (init, add)
	KeySpec            string   // the leaves' key type (and the CA's at init)
	Formats            []string // init: "pem", "jks", "p12"; PEM is always written
	StorePassword      string   // required with jks or p12
	TruststorePassword string   // "": the store password
	Organization       string   // O= in leaf (and default CA) subjects
	CASubject          string   // init, rotation new-ca: the CA subject ("": certkit's default)
	CAKeySpec          string   // init, rotation new-ca: the CA's key type ("": KeySpec / the manifest's)
	CADays             int      // init, rotation new-ca: CA validity; 0: 3650 days
	CrossSign          bool     // rotation new-ca: also write the new CA signed by the old one
	ReissueOnly        []string // rotation reissue: only these nodes/clients (nil: all)
	Days               int      // leaf validity; 0: the profile's default
	Jobs               int      // worker threads; 0: every core
	Overwrite          bool     // init: replace an existing cluster's files
	// PKCS12Profile: "modern" ("": the default), "modern2026", "legacy" or
	// "passwordless-truststore" (trust stores without password or MAC, key
	// stores "modern"); see docs/SECURITY.md.
	PKCS12Profile string
	// SpiffeID: a SPIFFE ID template ("spiffe://cluster.example/cassandra/{name}",
	// as `certkit --spiffe-id`) every node and client certificate gets a
	// URI SAN from; init records it, add records it when the manifest has
	// none ("": none / the manifest's).
	SpiffeID string
	// Progress is told about each issued leaf (see BatchOptions.Progress);
	// returning false cancels: the call fails with CodeCancelled and the
	// manifest is not written.
	Progress func(done, total int) bool
}

// Manifest is a cluster's manifest.json, as JSON.
type Manifest = json.RawMessage

func (o *ClusterOptions) build() (*C.CertkitClusterOptions, error) {
	var out *C.CertkitClusterOptions
	if err := call(func() C.CertkitError { return C.certkit_cluster_options_new(&out) }); err != nil {
		return nil, err
	}
	steps := []func() C.CertkitError{}
	text := func(set func(*C.CertkitClusterOptions, *C.char, C.size_t) C.CertkitError, value string) {
		steps = append(steps, func() C.CertkitError {
			t := newText(value)
			return set(out, t.p, t.n)
		})
	}
	for _, n := range o.Nodes {
		text(func(p *C.CertkitClusterOptions, s *C.char, n C.size_t) C.CertkitError {
			return C.certkit_cluster_options_add_node_n(p, s, n)
		}, n)
	}
	for _, c := range o.Clients {
		text(func(p *C.CertkitClusterOptions, s *C.char, n C.size_t) C.CertkitError {
			return C.certkit_cluster_options_add_client_n(p, s, n)
		}, c)
	}
	for _, name := range o.ReissueOnly {
		text(func(p *C.CertkitClusterOptions, s *C.char, n C.size_t) C.CertkitError {
			return C.certkit_cluster_options_add_reissue_only_n(p, s, n)
		}, name)
	}
	if o.CAKeySpec != "" {
		text(func(p *C.CertkitClusterOptions, s *C.char, n C.size_t) C.CertkitError {
			return C.certkit_cluster_options_set_ca_key_spec_n(p, s, n)
		}, o.CAKeySpec)
	}
	if o.KeySpec != "" {
		text(func(p *C.CertkitClusterOptions, s *C.char, n C.size_t) C.CertkitError {
			return C.certkit_cluster_options_set_key_spec_n(p, s, n)
		}, o.KeySpec)
	}
	if o.Formats != nil {
		text(func(p *C.CertkitClusterOptions, s *C.char, n C.size_t) C.CertkitError {
			return C.certkit_cluster_options_set_formats_n(p, s, n)
		}, strings.Join(o.Formats, ","))
	}
	if o.PKCS12Profile != "" {
		text(func(p *C.CertkitClusterOptions, s *C.char, n C.size_t) C.CertkitError {
			return C.certkit_cluster_options_set_pkcs12_profile_n(p, s, n)
		}, o.PKCS12Profile)
	}
	if o.SpiffeID != "" {
		text(func(p *C.CertkitClusterOptions, s *C.char, n C.size_t) C.CertkitError {
			return C.certkit_cluster_options_set_spiffe_id_n(p, s, n)
		}, o.SpiffeID)
	}
	if o.StorePassword != "" {
		text(func(p *C.CertkitClusterOptions, s *C.char, n C.size_t) C.CertkitError {
			return C.certkit_cluster_options_set_store_password_n(p, s, n)
		}, o.StorePassword)
	}
	if o.TruststorePassword != "" {
		text(func(p *C.CertkitClusterOptions, s *C.char, n C.size_t) C.CertkitError {
			return C.certkit_cluster_options_set_truststore_password_n(p, s, n)
		}, o.TruststorePassword)
	}
	if o.Organization != "" {
		text(func(p *C.CertkitClusterOptions, s *C.char, n C.size_t) C.CertkitError {
			return C.certkit_cluster_options_set_organization_n(p, s, n)
		}, o.Organization)
	}
	steps = append(steps,
		func() C.CertkitError { return C.certkit_cluster_options_set_days(out, C.int(o.Days)) },
		func() C.CertkitError { return C.certkit_cluster_options_set_ca_days(out, C.int(o.CADays)) },
		func() C.CertkitError { return C.certkit_cluster_options_set_cross_sign(out, boolInt(o.CrossSign)) },
		func() C.CertkitError { return C.certkit_cluster_options_set_jobs(out, C.int(o.Jobs)) },
		func() C.CertkitError { return C.certkit_cluster_options_set_overwrite(out, boolInt(o.Overwrite)) })
	var err error
	for _, step := range steps {
		if err = call(step); err != nil {
			break
		}
	}
	if err == nil && o.CASubject != "" {
		err = withName(o.CASubject, func(name *C.CertkitName) error {
			return call(func() C.CertkitError { return C.certkit_cluster_options_set_ca_subject(out, name) })
		})
	}
	if err != nil {
		C.certkit_cluster_options_free(out)
		return nil, err
	}
	return out, nil
}

// runCluster builds the options, sets the progress callback and runs |op|,
// which writes JSON (the manifest, or a rotation's result) into its buffer
// arguments.
func runCluster(o *ClusterOptions, op func(*C.CertkitClusterOptions, **C.char, *C.size_t) C.CertkitError) (Manifest, error) {
	opts, err := o.build()
	if err != nil {
		return nil, err
	}
	defer C.certkit_cluster_options_free(opts)
	progress, user, release := progressCallback(o.Progress)
	defer release()
	if err := call(func() C.CertkitError { return C.certkit_cluster_options_set_progress(opts, progress, user) }); err != nil {
		return nil, err
	}
	text, err := textOut(func(p **C.char, n *C.size_t) C.CertkitError { return op(opts, p, n) })
	if err != nil {
		return nil, err
	}
	return Manifest(text), nil
}

// ClusterInit creates a cluster in |dir|: a new CA, the nodes and clients
// with their files and key stores, trust stores and manifest.json, and
// returns the manifest. CodeAlreadyExists when |dir| holds a cluster.
func ClusterInit(dir string, opts ClusterOptions) (Manifest, error) {
	d := newText(dir)
	return runCluster(&opts, func(o *C.CertkitClusterOptions, p **C.char, n *C.size_t) C.CertkitError {
		return C.certkit_cluster_init_n(o, d.p, d.n, p, n)
	})
}

// ClusterAdd issues opts.Nodes and opts.Clients into the cluster in |dir|
// with its CA and recorded settings; returns the updated manifest.
func ClusterAdd(dir string, opts ClusterOptions) (Manifest, error) {
	d := newText(dir)
	return runCluster(&opts, func(o *C.CertkitClusterOptions, p **C.char, n *C.size_t) C.CertkitError {
		return C.certkit_cluster_add_n(o, d.p, d.n, p, n)
	})
}

// ClusterRenew re-issues every leaf of the cluster in |dir| that expires
// within |within|; returns the manifest and the renewed names.
func ClusterRenew(dir string, within time.Duration, opts ClusterOptions) (Manifest, []string, error) {
	d := newText(dir)
	var renewed *C.char
	m, err := runCluster(&opts, func(o *C.CertkitClusterOptions, p **C.char, n *C.size_t) C.CertkitError {
		return C.certkit_cluster_renew_n(o, d.p, d.n, C.int64_t(within/time.Second), p, n, &renewed)
	})
	if err != nil {
		return nil, nil, err
	}
	defer C.certkit_buffer_free(unsafe.Pointer(renewed))
	var names []string
	if err := json.Unmarshal([]byte(C.GoString(renewed)), &names); err != nil {
		return nil, nil, err
	}
	return m, names, nil
}

// RotationResult is what one ClusterRotateCA stage did.
type RotationResult struct {
	Stage     string          `json:"stage"`      // "new-ca", "trust-both", "reissue", "retire-old"
	Changed   bool            `json:"changed"`    // false: the stage had already been done
	Finished  bool            `json:"finished"`   // reissue: every leaf is on the new CA
	Reissued  []string        `json:"reissued"`   // reissue: names re-issued by this call
	Pending   []string        `json:"pending"`    // reissue: names still on the old CA (as Only takes them)
	Written   []RotationWrite `json:"written"`    // in write order, the manifest last
	NextStage string          `json:"next_stage"` // what stage "" runs next ("" once done: a new rotation needs "new-ca")
	Manifest  Manifest        `json:"manifest"`   // the saved manifest
}

// RotationWrite is one file a rotation stage wrote.
type RotationWrite struct {
	Path string `json:"path"` // joined with the cluster directory
	What string `json:"what"` // "CA certificate", "trust store", ...
}

// ClusterRotateCA runs one stage of replacing the CA of the cluster in |dir|
// (see certkit_cluster_rotate_ca): |stage| is "new-ca", "trust-both",
// "reissue", "retire-old" or "" for the next pending one. new-ca uses
// opts.CASubject, CAKeySpec, CADays and CrossSign; reissue
// opts.ReissueOnly. CodeInvalidArgument for a stage out of order, and for
// retire-old while leaves still use the old CA (the message names them).
func ClusterRotateCA(dir, stage string, opts ClusterOptions) (*RotationResult, error) {
	d, s := newText(dir), newOptText(stage)
	text, err := runCluster(&opts, func(o *C.CertkitClusterOptions, p **C.char, n *C.size_t) C.CertkitError {
		return C.certkit_cluster_rotate_ca_n(o, d.p, d.n, s.p, s.n, p, n)
	})
	if err != nil {
		return nil, err
	}
	var r RotationResult
	if err := json.Unmarshal(text, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
