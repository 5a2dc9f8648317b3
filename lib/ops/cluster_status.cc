// GetClusterStatus and CheckStageReady (certkit/cluster_status.h): a
// cluster directory's node certificates next to what the nodes serve.
#include "certkit/cluster_status.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "certkit/ca.h"
#include "certkit/ca_files.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "certkit/key.h"
#include "certkit/name.h"
#include "certkit/node_spec.h"
#include "certkit/probe.h"
#include "certkit/profile.h"
#include "cluster/ca_records.h"

namespace certkit {
namespace {

// A CA of the manifest, its certificate, and the probe identity it issued.
struct ProbeCa {
  ProbeCa(const CaRecord* r, Certificate c) : record(r), cert(std::move(c)) {}
  const CaRecord* record;
  Certificate cert;
  std::optional<Certificate> client_cert;  // CN=certkit-probe, from this CA
  std::optional<PrivateKey> client_key;
};

// LocalAddresses: the IP addresses of this machine's interfaces (at most
// 64), one of which every connection of the probe comes from.
std::vector<SubjectAltName> LocalAddresses() {
  std::vector<SubjectAltName> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (const ifaddrs* a = list; a != nullptr && out.size() < 64; a = a->ifa_next) {
    if (a->ifa_addr == nullptr) continue;
    char text[INET6_ADDRSTRLEN] = {0};
    if (a->ifa_addr->sa_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr, text, sizeof(text));
    } else if (a->ifa_addr->sa_family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(a->ifa_addr)->sin6_addr, text, sizeof(text));
    } else {
      continue;
    }
    auto san = SubjectAltName::Ip(text);
    if (san.ok() && std::find(out.begin(), out.end(), *san) == out.end()) out.push_back(*san);
  }
  freeifaddrs(list);
  return out;
}

// MakeProbeIdentity issues a one-day client certificate for a fresh P-256
// key from the CA in |dir| described by |r|. Its IP SANs are this
// machine's addresses (LocalAddresses): a node with Cassandra's
// require_endpoint_verification checks a client certificate against the
// address the connection comes from.
absl::Status MakeProbeIdentity(const std::string& dir, const ClusterProbeOptions& o, ProbeCa* ca) {
  if (!ca->record->key_uri.empty()) {
    return MakeError(ErrorKind::kUnsupported,
                     absl::StrCat("the probe's client certificate would be signed by CA '",
                                  ca->record->subject, "', whose key is in a PKCS#11 token (",
                                  ca->record->key_uri, "): status --probe cannot sign with it yet"));
  }
  CaFiles files;
  files.cert_path = JoinPath(dir, ca->record->cert_file);
  files.key_path = JoinPath(dir, ca->record->key_file);
  files.allow_insecure_key = o.allow_insecure_ca_key;
  files.key_password = o.ca_key_password;
  auto loaded = LoadCa(files);
  if (!loaded.ok()) return loaded.status();
  auto spec = KeySpec::Parse("ec:p256");
  if (!spec.ok()) return spec.status();
  auto key = PrivateKey::Generate(*spec);
  if (!key.ok()) return key.status();
  DistinguishedName subject;
  subject.Set("CN", "certkit-probe");
  IssueOptions io;
  io.subject = subject;
  io.sans = LocalAddresses();
  io.not_before = absl::Now() - absl::Minutes(5);
  io.days = 1;
  auto cert = loaded->SignPublicKey(key->public_key(), Profile::Client(), io);
  if (!cert.ok()) return cert.status();
  ca->client_cert = *std::move(cert);
  ca->client_key = *std::move(key);
  return absl::OkStatus();
}

// IssuerOf: the fingerprint of the CA in |cas| that issued |cert|; empty when none.
std::string IssuerOf(const Certificate& cert, const std::vector<ProbeCa>& cas) {
  for (const ProbeCa& ca : cas) {
    if (IssuedBy(cert, ca.cert)) return ca.record->sha256_fingerprint;
  }
  return "";
}

std::string Address(const std::string& host, uint16_t port) {
  return host.find(':') != std::string::npos ? absl::StrCat("[", host, "]:", port)
                                             : absl::StrCat(host, ":", port);
}

// ProbePort fills |out| with what |host|:|port| serves: one handshake per CA
// with a probe identity.
void ProbePort(const std::string& host, uint16_t port, const ClusterProbeOptions& o,
               const std::vector<ProbeCa>& cas, const NodeStatus& disk, ServedStatus* out) {
  out->address = Address(host, port);
  std::string first_error;
  for (const ProbeCa& ca : cas) {
    if (!ca.client_cert.has_value()) continue;
    ProbeOptions po;
    po.timeout = o.timeout;
    po.client_chain = {*ca.client_cert};
    po.client_key = *ca.client_key;
    auto r = ProbeServer(host, port, po);
    CaAcceptance acc;
    acc.ca_fingerprint = ca.record->sha256_fingerprint;
    acc.accepted = r.ok();
    if (!r.ok()) {
      acc.error = std::string(r.status().message());
      if (GetErrorKind(r.status()) == ErrorKind::kTlsHandshake) out->reachable = true;
      if (first_error.empty()) first_error = acc.error;
    } else {
      out->reachable = true;
    }
    out->accepts.push_back(std::move(acc));
    if (!r.ok() || out->served || r->chain.empty()) continue;
    const Certificate& leaf = r->chain.front();
    out->served = true;
    out->subject = leaf.subject().ToRfc4514();
    out->serial = leaf.serial_hex();
    out->sha256_fingerprint = leaf.Sha256Fingerprint();
    out->not_after = leaf.not_after();
    out->issuer_ca = IssuerOf(leaf, cas);
    out->matches_disk = disk.disk_error.empty() && out->sha256_fingerprint == disk.sha256_fingerprint;
  }
  if (out->served) return;
  if (out->accepts.empty()) {
    out->error = "no probe certificate: no CA key of the cluster could be loaded";
  } else if (out->reachable) {
    out->error = absl::StrCat("refused the probe certificate of every CA of the cluster: ", first_error);
  } else {
    out->error = first_error;
  }
}

std::string CaLabel(const ClusterStatus& s, const std::string& fingerprint) {
  const CaStatus* ca = s.FindCa(fingerprint);
  if (ca == nullptr) return "a CA that is not the cluster's";
  return absl::StrCat("CA ", ca->id, " (", ca->state, ")");
}

bool Trusted(const CaStatus* ca) {
  return ca != nullptr && (ca->state == kCaActive || ca->state == kCaNext || ca->state == kCaPrevious);
}

}  // namespace

absl::Status ClusterProbeOptions::Validate() const {
  if (client_port == 0 && internode_port == 0) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "probing needs a port: the client port, the internode port or both");
  }
  if (timeout <= absl::ZeroDuration()) {
    return MakeError(ErrorKind::kInvalidArgument, "the probe timeout must be positive");
  }
  return absl::OkStatus();
}

const CaStatus* ClusterStatus::FindCa(const std::string& fingerprint) const {
  for (const CaStatus& ca : cas) {
    if (ca.sha256_fingerprint == fingerprint) return &ca;
  }
  return nullptr;
}

absl::StatusOr<ClusterStatus> GetClusterStatus(const std::string& dir,
                                               const ClusterProbeOptions* probe) {
  if (probe != nullptr) {
    if (absl::Status s = probe->Validate(); !s.ok()) return s;
  }
  auto m = LoadManifest(dir);
  if (!m.ok()) return m.status();
  ClusterStatus out;
  out.rotation = m->rotation;
  out.probed = probe != nullptr;

  std::vector<ProbeCa> cas;
  std::vector<const CaRecord*> records = {&m->ca};
  for (const CaRecord& r : m->other_cas) records.push_back(&r);
  for (const CaRecord* r : records) {
    auto cert = ReadCaCertificate(dir, *r);
    if (!cert.ok()) return cert.status();
    ProbeCa ca(r, *std::move(cert));
    CaStatus st;
    st.sha256_fingerprint = r->sha256_fingerprint;
    st.id = CaShortId(r->sha256_fingerprint);
    st.subject = r->subject;
    st.state = r->state;
    if (probe != nullptr) {
      absl::Status s = MakeProbeIdentity(dir, *probe, &ca);
      if (!s.ok()) st.probe_error = std::string(s.message());
    }
    out.cas.push_back(std::move(st));
    cas.push_back(std::move(ca));
  }

  for (const LeafRecord& r : m->nodes) {
    NodeStatus n;
    n.name = r.name;
    n.host = NodeDialHost(r, m->extra_sans);
    n.cert_path = JoinPath(JoinPath(dir, r.dir), "node.crt");
    auto cert = ReadCertificate(n.cert_path);
    if (!cert.ok()) {
      n.disk_error = std::string(cert.status().message());
    } else {
      n.subject = cert->subject().ToRfc4514();
      n.serial = cert->serial_hex();
      n.sha256_fingerprint = cert->Sha256Fingerprint();
      n.not_after = cert->not_after();
      n.issuer_ca = IssuerOf(*cert, cas);
    }
    if (probe != nullptr) {
      if (probe->client_port != 0) {
        n.served.emplace_back();
        n.served.back().port_name = "client";
      }
      if (probe->internode_port != 0) {
        n.served.emplace_back();
        n.served.back().port_name = "internode";
      }
    }
    out.nodes.push_back(std::move(n));
  }

  if (probe != nullptr) {
    // Every (node, port) in parallel: one slow node costs one timeout.
    std::vector<std::thread> threads;
    for (NodeStatus& n : out.nodes) {
      for (ServedStatus& s : n.served) {
        const uint16_t port = s.port_name == "client" ? probe->client_port : probe->internode_port;
        threads.emplace_back([&n, &s, port, probe, &cas] { ProbePort(n.host, port, *probe, cas, n, &s); });
      }
    }
    for (std::thread& t : threads) t.join();
  }
  return out;
}

std::vector<std::string> ClusterStatusProblems(const ClusterStatus& status) {
  std::vector<std::string> out;
  for (const NodeStatus& n : status.nodes) {
    if (!n.disk_error.empty()) out.push_back(absl::StrCat("node ", n.name, ": ", n.disk_error));
    for (const ServedStatus& s : n.served) {
      if (!s.served) {
        out.push_back(absl::StrCat("node ", n.name, " ", s.port_name, " port ", s.address, ": ", s.error));
      } else if (s.issuer_ca.empty()) {
        out.push_back(absl::StrCat("node ", n.name, " ", s.port_name, " port ", s.address,
                                   " serves serial ", s.serial, ", which no CA of the cluster issued"));
      }
    }
  }
  return out;
}

absl::Status CheckStageReady(const ClusterStatus& status, RotationStage stage) {
  const std::string name(RotationStageName(stage));
  if (!status.probed) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("stage ", name, ": the nodes were not probed"));
  }
  std::vector<std::string> lagging = ClusterStatusProblems(status);
  const size_t general_problems = lagging.size();
  // kIo when every problem is a node that does not answer.
  bool only_unreachable = true;
  for (const NodeStatus& n : status.nodes) {
    if (!n.disk_error.empty()) only_unreachable = false;
    for (const ServedStatus& s : n.served) {
      if (s.served) {
        if (s.issuer_ca.empty()) only_unreachable = false;
      } else if (s.reachable) {
        only_unreachable = false;
      }
    }
  }
  const CaStatus* active = nullptr;
  for (const CaStatus& ca : status.cas) {
    if (ca.state == kCaActive) active = &ca;
  }
  for (const NodeStatus& n : status.nodes) {
    for (const ServedStatus& s : n.served) {
      if (!s.served || s.issuer_ca.empty()) continue;  // already listed
      const std::string where = absl::StrCat("node ", n.name, " ", s.port_name, " port ", s.address);
      switch (stage) {
        case RotationStage::kNewCa:
        case RotationStage::kTrustBoth:
          if (!Trusted(status.FindCa(s.issuer_ca))) {
            lagging.push_back(absl::StrCat(where, " serves serial ", s.serial, " from ",
                                           CaLabel(status, s.issuer_ca), ", which the cluster no longer trusts"));
          }
          break;
        case RotationStage::kReissue: {
          std::vector<std::string> refused;
          for (const CaStatus& ca : status.cas) {
            if (!Trusted(&ca)) continue;
            bool accepted = false;
            for (const CaAcceptance& a : s.accepts) {
              if (a.ca_fingerprint == ca.sha256_fingerprint && a.accepted) accepted = true;
            }
            if (!accepted) {
              refused.push_back(ca.probe_error.empty()
                                    ? absl::StrCat("CA ", ca.id, " (", ca.state, ")")
                                    : absl::StrCat("CA ", ca.id, " (", ca.state, "; no probe certificate: ",
                                                   ca.probe_error, ")"));
            }
          }
          if (!refused.empty()) {
            lagging.push_back(absl::StrCat(where, " does not accept client certificates from ",
                                           absl::StrJoin(refused, ", "),
                                           ": it has not loaded the trust-both trust store"));
          }
          break;
        }
        case RotationStage::kRetireOld:
          if (!s.matches_disk || active == nullptr || s.issuer_ca != active->sha256_fingerprint) {
            lagging.push_back(absl::StrCat(
                where, " serves serial ", s.serial, " from ", CaLabel(status, s.issuer_ca),
                ", not its certificate on disk (serial ", n.serial.empty() ? "unreadable" : n.serial,
                " from ", n.issuer_ca.empty() ? "no CA of the cluster" : CaLabel(status, n.issuer_ca),
                "): it has not loaded the reissue files"));
          }
          break;
      }
    }
  }
  if (lagging.empty()) return absl::OkStatus();
  const bool unreachable_only = only_unreachable && lagging.size() == general_problems;
  return MakeError(unreachable_only ? ErrorKind::kIo : ErrorKind::kInvalidArgument,
                   absl::StrCat("stage ", name, " refused (--require-probe): ", lagging.size(),
                                " problem(s): ", absl::StrJoin(lagging, "; "),
                                "; load the files on those nodes (Cassandra: nodetool reloadssl) and run "
                                "the stage again"));
}

}  // namespace certkit
