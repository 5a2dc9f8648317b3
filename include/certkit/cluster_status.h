// certkit/cluster_status.h: what a running cluster actually serves, next to
// what its cluster directory holds (`certkit cluster status`), and whether a
// CA rotation may go on to its next stage (`certkit cluster rotate-ca
// --require-probe`).
//
// The files on disk say what a node WILL serve once it loads them; only a
// handshake says what it serves NOW. GetClusterStatus reads every node's
// certificate from the cluster directory and, when asked to probe, connects
// to each node's client (and internode) port with ProbeServer
// (certkit/probe.h) and records the certificate it presents.
//
// Nodes that require client certificates (Cassandra with
// require_client_auth: true, CockroachDB, ...) only finish a handshake with
// a client certificate they trust. The probe therefore presents, for every
// CA of the manifest whose key it can load, a short-lived client certificate
// (CN=certkit-probe, clientAuth, valid one day, key held in memory only)
// issued by that CA, one handshake each: the node accepting or refusing it
// tells which CAs the node trusts now, and any accepted handshake gives the
// certificate it serves. Nothing is written.
#ifndef CERTKIT_CLUSTER_STATUS_H_
#define CERTKIT_CLUSTER_STATUS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "certkit/manifest.h"
#include "certkit/rotation.h"

namespace certkit {

// Which ports of the manifest's nodes to probe. The host dialled is the
// node's manifest name when that is an IP address, else the first IP
// address given for the node (NAME=HOST+HOST..., certkit/node_spec.h), else
// its name (a DNS name): NodeDialHost. A port 0 is not probed; at least one
// must be set for a probe.
struct ClusterProbeOptions {
  uint16_t client_port = 0;     // e.g. Cassandra's native_transport_port (9042/9142)
  uint16_t internode_port = 0;  // e.g. Cassandra's storage_port (7000/7001)
  // Bound of each handshake (ProbeOptions::timeout): a node that does not
  // answer in time is reported unreachable, it does not stall the rest (the
  // nodes are probed in parallel).
  absl::Duration timeout = absl::Seconds(5);
  // Use CA key files that group/others can read (CheckKeyFilePermissions).
  bool allow_insecure_ca_key = false;
  // The password of the cluster's CA keys when they are encrypted (one for
  // all of them: Manifest::ca_key_password_source); empty for none. A wrong
  // one leaves that CA without a probe certificate (CaStatus::probe_error).
  std::string ca_key_password;

  // Validate: kInvalidArgument when no port is set or the timeout is <= 0.
  absl::Status Validate() const;
};

// One CA of the manifest as the status reports it.
struct CaStatus {
  std::string sha256_fingerprint;  // the manifest's
  std::string id;                  // its first 8 hex digits ("1a2b3c4d")
  std::string subject;
  std::string state;               // "active", "next", "previous", "retired"
  // Probing: why no probe certificate could be made from this CA (its key
  // file missing, encrypted, too open...); empty when one was.
  std::string probe_error;
};

// Whether a node accepted a client certificate from one CA.
struct CaAcceptance {
  std::string ca_fingerprint;
  bool accepted = false;
  std::string error;  // the handshake's failure when refused or unreachable
};

// What one port of one node served.
struct ServedStatus {
  std::string port_name;  // "client" or "internode"
  std::string address;    // "host:port" as dialled
  // served: some handshake completed and |serial|... describe the leaf the
  // node presented. Otherwise |error| says why (unreachable, every probe
  // certificate refused, no probe certificate could be made).
  bool served = false;
  bool reachable = false;  // a TCP connection and a TLS exchange happened
  std::string error;
  std::string subject;
  std::string serial;
  std::string sha256_fingerprint;
  absl::Time not_after;
  std::string issuer_ca;       // fingerprint of the manifest CA that issued it; empty: none of them
  bool matches_disk = false;   // the same certificate as the node's file on disk
  std::vector<CaAcceptance> accepts;  // one per CA with a probe certificate, in CaStatus order
};

struct NodeStatus {
  std::string name;  // manifest name
  std::string host;  // the host a probe dials (NodeDialHost, certkit/node_spec.h)
  std::string cert_path;
  // The certificate on disk; |disk_error| when it cannot be read.
  std::string disk_error;
  std::string subject;
  std::string serial;
  std::string sha256_fingerprint;
  absl::Time not_after;
  std::string issuer_ca;  // fingerprint of the manifest CA that issued it; empty: none of them
  std::vector<ServedStatus> served;  // with a probe: client port first, then internode
};

struct ClusterStatus {
  std::string rotation;  // Manifest::rotation: the last finished stage, or empty
  std::vector<CaStatus> cas;  // active first, then the others in manifest order
  std::vector<NodeStatus> nodes;
  bool probed = false;

  // FindCa returns the CA with |fingerprint| or nullptr.
  const CaStatus* FindCa(const std::string& fingerprint) const;
};

// GetClusterStatus reads the manifest and every node's certificate of the
// cluster in |dir| and, when |probe| is not null, probes the nodes (see the
// top of this file). A node whose file cannot be read, or that cannot be
// reached or refuses every probe, is reported in its NodeStatus, not as an
// error. Errors: the manifest's (kNotFound, kMalformed, ...), a CA
// certificate file that cannot be read (named), |probe|->Validate().
absl::StatusOr<ClusterStatus> GetClusterStatus(const std::string& dir,
                                               const ClusterProbeOptions* probe);

// ClusterStatusProblems lists what is wrong in |status| whatever the stage:
// a node file that cannot be read, a node that cannot be reached or refuses
// every probe, a node serving a certificate no CA of the cluster issued.
// One line per problem, naming the node and port.
std::vector<std::string> ClusterStatusProblems(const ClusterStatus& status);

// CheckStageReady says whether the probed |status| allows running |stage|
// of a CA rotation: every node, on every probed port, must
//   - be reachable and serve a certificate (ClusterStatusProblems empty);
//   - new-ca, trust-both: serve a certificate issued by a CA the cluster
//     trusts (nothing changed on the nodes yet);
//   - reissue: accept a client certificate from EVERY CA the cluster trusts
//     (the old and the new: trust-both's stores are loaded), so that nodes
//     and clients re-issued by the new CA are accepted everywhere;
//   - retire-old: serve exactly the certificate on its disk, issued by the
//     active (new) CA (reissue's files are loaded), so that no node still
//     presents a certificate that only the old CA vouches for.
// OK when it may; otherwise kInvalidArgument (kIo when the only problems
// are unreachable nodes) whose message names the stage and every lagging
// node with what it serves and what is expected. kInvalidArgument too when
// |status| was not probed.
absl::Status CheckStageReady(const ClusterStatus& status, RotationStage stage);

}  // namespace certkit

#endif  // CERTKIT_CLUSTER_STATUS_H_
