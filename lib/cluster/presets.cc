#include "certkit/presets.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "certkit/cluster.h"
#include "certkit/error.h"

namespace certkit {
namespace {

// The presets. What each entry changes, and the source of each value, is
// documented in docs/CLI.md ("Presets"); tests/cli/cockroach_rules_test.py
// checks the cockroach entry against CockroachDB's own acceptance rules.
const std::vector<Preset>& Table() {
  static const std::vector<Preset>* const table = new std::vector<Preset>{
      // CockroachDB takes a certificate's user from its CN and accepts only
      // the users "node" and "root" for RPCs (pkg/rpc/auth.go); `cockroach
      // cert create-node` writes CN=node, O=Cockroach (pkg/security/x509.go)
      // and its deployment docs give it "localhost 127.0.0.1" besides the
      // node's addresses. A certs-dir holds PEM files only.
      {"cockroach", "node", "Cockroach", {"DNS:localhost", "IP:127.0.0.1"}, {"pem"},
       "node certificates CN=node with localhost and 127.0.0.1, O=Cockroach, PEM files only"},
      // Cassandra reads JKS or PKCS#12 key and trust stores: `certkit node`
      // and `client` write them too (cluster init already does by default).
      {"cassandra", nullptr, nullptr, {}, {"pem", "jks", "p12"},
       "key and trust stores (JKS, PKCS#12) also from `certkit node`/`client`"},
      // PostgreSQL's defaults are certkit's: a client's CN is the database
      // user (clientcert=verify-full), node certificates carry every host.
      {"postgres", nullptr, nullptr, {}, {}, "changes nothing: certkit's defaults fit PostgreSQL"},
  };
  return *table;
}

}  // namespace

absl::StatusOr<const Preset*> FindPreset(absl::string_view name) {
  for (const Preset& p : Table()) {
    if (name == p.name) return &p;
  }
  std::string shown;
  for (char c : name) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      absl::StrAppend(&shown, "\\x", absl::Hex(u, absl::kZeroPad2));
    } else {
      shown.push_back(c);
    }
  }
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("unknown preset '", shown, "' (presets: ",
                                absl::StrJoin(PresetNames(), ", "), ")"));
}

std::vector<std::string> PresetNames() {
  std::vector<std::string> out;
  for (const Preset& p : Table()) out.push_back(p.name);
  return out;
}

// Declared in certkit/cluster.h (LeafSettings::node_cn).
absl::Status ValidateNodeCommonName(absl::string_view cn) {
  if (cn.empty() || cn.size() > 64) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("a node CN must have 1 to 64 characters, not ", cn.size()));
  }
  for (char c : cn) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("a node CN must not hold control characters (\\x",
                                    absl::Hex(u, absl::kZeroPad2), ")"));
    }
  }
  return absl::OkStatus();
}

void ApplyPreset(const Preset& preset, LeafSettings* settings) {
  settings->preset = preset.name;
  if (settings->node_cn.empty() && preset.node_cn != nullptr) settings->node_cn = preset.node_cn;
  if (settings->organization.empty() && preset.organization != nullptr) {
    settings->organization = preset.organization;
  }
  for (const std::string& san : preset.node_sans) {
    if (std::find(settings->extra_sans.begin(), settings->extra_sans.end(), san) ==
        settings->extra_sans.end()) {
      settings->extra_sans.push_back(san);
    }
  }
}

}  // namespace certkit
