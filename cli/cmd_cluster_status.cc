// certkit cluster status, and rotate-ca's --require-probe: what a running
// cluster serves next to its cluster directory (certkit/cluster_status.h).
#include "cmd_cluster_status.h"

#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "certkit/cluster_status.h"
#include "certkit/error.h"
#include "certkit/manifest.h"
#include "ca_args.h"
#include "commands.h"
#include "common.h"
#include "output.h"

namespace certkit_cli {
namespace {

using nlohmann::json;

struct StatusArgs {
  std::string dir;
  bool probe = false;
  std::string ca_key_pass;  // --ca-key-pass source (probe certificates)
  LiveProbeArgs live;
};

std::string CaText(const certkit::ClusterStatus& s, const std::string& fingerprint) {
  const certkit::CaStatus* ca = s.FindCa(fingerprint);
  if (ca == nullptr) return "no CA of the cluster";
  return absl::StrCat("CA ", ca->id, " (", ca->state, ")");
}

json CaJson(const certkit::ClusterStatus& s, const std::string& fingerprint) {
  const certkit::CaStatus* ca = s.FindCa(fingerprint);
  if (ca == nullptr) return nullptr;
  return json{{"id", ca->id}, {"state", ca->state}, {"sha256_fingerprint", ca->sha256_fingerprint}};
}

json StatusJson(const certkit::ClusterStatus& s, const std::vector<std::string>& problems) {
  json cas = json::array();
  for (const auto& ca : s.cas) {
    json j{{"id", ca.id}, {"state", ca.state}, {"subject", ca.subject},
           {"sha256_fingerprint", ca.sha256_fingerprint}};
    if (s.probed) j["probe_error"] = ca.probe_error.empty() ? json(nullptr) : json(ca.probe_error);
    cas.push_back(j);
  }
  json nodes = json::array();
  for (const auto& n : s.nodes) {
    json disk{{"path", n.cert_path}};
    if (n.disk_error.empty()) {
      disk.update({{"subject", n.subject}, {"serial", n.serial}, {"sha256_fingerprint", n.sha256_fingerprint},
                   {"not_after", FormatRfc3339(n.not_after)}, {"ca", CaJson(s, n.issuer_ca)}});
    } else {
      disk["error"] = n.disk_error;
    }
    json node{{"name", n.name}, {"disk", disk}};
    if (s.probed) {
      json served = json::object();
      for (const auto& p : n.served) {
        json j{{"address", p.address}, {"served", p.served}, {"reachable", p.reachable}};
        if (p.served) {
          j.update({{"subject", p.subject}, {"serial", p.serial}, {"sha256_fingerprint", p.sha256_fingerprint},
                    {"not_after", FormatRfc3339(p.not_after)}, {"ca", CaJson(s, p.issuer_ca)},
                    {"matches_disk", p.matches_disk}});
        } else {
          j["error"] = p.error;
        }
        json accepts = json::array();
        for (const auto& a : p.accepts) {
          json aj{{"ca", CaJson(s, a.ca_fingerprint)}, {"accepted", a.accepted}};
          if (!a.accepted) aj["error"] = a.error;
          accepts.push_back(aj);
        }
        j["client_certificates"] = accepts;
        served[p.port_name] = j;
      }
      node["served"] = served;
    }
    nodes.push_back(node);
  }
  return json{{"rotation", s.rotation.empty() ? json(nullptr) : json(s.rotation)},
              {"cas", cas},
              {"nodes", nodes},
              {"probed", s.probed},
              {"problems", problems}};
}

void PrintStatus(const certkit::ClusterStatus& s, const std::vector<std::string>& problems) {
  std::printf("rotation: %s\n", s.rotation.empty() ? "none in progress" : ("last finished stage " + s.rotation).c_str());
  for (const auto& ca : s.cas) {
    std::printf("CA %s %-8s %s%s\n", ca.id.c_str(), ca.state.c_str(), Esc(ca.subject).c_str(),
                ca.probe_error.empty() ? "" : ("  (no probe certificate: " + Esc(ca.probe_error) + ")").c_str());
  }
  for (const auto& n : s.nodes) {
    std::printf("node %s\n", Esc(n.name).c_str());
    if (!n.disk_error.empty()) {
      std::printf("  disk       %s\n", Esc(n.disk_error).c_str());
    } else {
      std::printf("  disk       serial %s from %s, expires %s\n", n.serial.c_str(),
                  CaText(s, n.issuer_ca).c_str(), FormatRfc3339(n.not_after).c_str());
    }
    for (const auto& p : n.served) {
      if (!p.served) {
        std::printf("  %-10s %s: %s\n", p.port_name.c_str(), Esc(p.address).c_str(), Esc(p.error).c_str());
        continue;
      }
      std::vector<std::string> accepted, refused;
      for (const auto& a : p.accepts) (a.accepted ? accepted : refused).push_back(CaText(s, a.ca_fingerprint));
      std::printf("  %-10s %s: serial %s from %s, expires %s, %s\n", p.port_name.c_str(), Esc(p.address).c_str(),
                  p.serial.c_str(), CaText(s, p.issuer_ca).c_str(), FormatRfc3339(p.not_after).c_str(),
                  p.matches_disk ? "matches disk" : "DIFFERS from disk");
      std::printf("  %-10s accepts clients of %s%s%s\n", "", absl::StrJoin(accepted, ", ").c_str(),
                  refused.empty() ? "" : "; refuses ", absl::StrJoin(refused, ", ").c_str());
    }
  }
  for (const auto& p : problems) std::printf("problem: %s\n", Esc(p).c_str());
}

int RunStatus(const StatusArgs& a) {
  certkit::ClusterProbeOptions probe;
  if (a.probe) {
    // The probe certificates are signed with the cluster's CA keys: their
    // password, from --ca-key-pass or the source the manifest records.
    auto m = certkit::LoadManifest(a.dir);
    if (!m.ok()) return PrintError(m.status());
    auto pass = ResolveCaKeyPassword(a.ca_key_pass, m->ca_key_password_source);
    if (!pass.ok()) return PrintError(pass.status());
    LiveProbeArgs live = a.live;
    live.ca_key_password = pass->password.value;
    auto o = live.Options();
    if (!o.ok()) return PrintError(o.status());
    probe = *o;
  } else if (a.live.Given()) {
    return PrintError(certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                                         "--port, --internode-port and --timeout need --probe"));
  }
  auto s = certkit::GetClusterStatus(a.dir, a.probe ? &probe : nullptr);
  if (!s.ok()) return PrintError(s.status());
  std::vector<std::string> problems = certkit::ClusterStatusProblems(*s);
  if (JsonMode()) {
    PrintJson(StatusJson(*s, problems));
  } else {
    PrintStatus(*s, problems);
  }
  return problems.empty() ? kExitOk : kExitCheckFailed;
}

}  // namespace

bool LiveProbeArgs::Given() const { return port != 0 || internode_port != 0 || timeout != 5; }

absl::StatusOr<certkit::ClusterProbeOptions> LiveProbeArgs::Options() const {
  certkit::ClusterProbeOptions o;
  o.client_port = static_cast<uint16_t>(port);
  o.internode_port = static_cast<uint16_t>(internode_port);
  o.timeout = absl::Seconds(timeout);
  o.allow_insecure_ca_key = allow_insecure_ca_key;
  o.ca_key_password = ca_key_password;
  if (port == 0 && internode_port == 0) {
    return certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                              "probing the nodes needs --port (their client port), --internode-port or both");
  }
  return o;
}

void AddLiveProbeOptions(CLI::App* cmd, LiveProbeArgs* a) {
  cmd->add_option("--port", a->port,
                  "the nodes' client port to probe (Cassandra: native_transport_port), on each node's "
                  "name, or its first IP address when it is named by DNS")
      ->check(CLI::Range(1, 65535));
  cmd->add_option("--internode-port", a->internode_port,
                  "the nodes' internode port to probe (Cassandra: storage_port)")
      ->check(CLI::Range(1, 65535));
  cmd->add_option("--timeout", a->timeout, "seconds allowed for each probe handshake")
      ->capture_default_str()
      ->check(CLI::Range(1, 600));
}

int RequireProbe(const LiveProbeArgs& a, const std::string& dir, certkit::RotationStage stage) {
  auto o = a.Options();
  if (!o.ok()) return PrintError(certkit::Annotate(o.status(), "--require-probe"));
  auto s = certkit::GetClusterStatus(dir, &*o);
  if (!s.ok()) return PrintError(s.status());
  absl::Status ready = certkit::CheckStageReady(*s, stage);
  if (!ready.ok()) return PrintError(ready);
  return kExitOk;
}

void RegisterClusterStatusCommand(CLI::App& app, int* exit_code) {
  CLI::App* cluster = app.get_subcommand("cluster");
  auto args = std::make_shared<StatusArgs>();
  CLI::App* cmd = cluster->add_subcommand(
      "status",
      "per node: the CA that issued its certificate on disk; with --probe, the certificate it "
      "serves (CA, serial, expiry), whether that is the one on disk, and which CAs' clients it "
      "accepts; exit 1 when a node cannot be read, reached or serves a foreign certificate");
  cmd->add_option("--dir", args->dir, "cluster directory (with manifest.json)")->type_name("DIR")->required();
  cmd->add_flag("--probe", args->probe,
                "connect to every node (mutual TLS with a one-day client certificate from each "
                "CA of the cluster, made in memory) and report what it serves");
  AddLiveProbeOptions(cmd, &args->live);
  cmd->add_flag("--allow-insecure-ca-key", args->live.allow_insecure_ca_key,
                "use a CA key file that group/others can read");
  AddCaKeyPassOption(cmd, &args->ca_key_pass,
                     "with --probe: the source manifest.json records when it is env: or file:, "
                     "else none (encrypted CA keys then make no probe certificate)");
  SetExample(cmd, "certkit cluster status --dir demo --probe --port 9142 --internode-port 7001");
  cmd->callback([args, exit_code] { *exit_code = RunStatus(*args); });
}

}  // namespace certkit_cli
