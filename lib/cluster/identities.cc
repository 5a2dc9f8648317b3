// lib/cluster/identities.cc: clients' SPIFFE identities and their CQL
// (certkit/identities.h).
#include "certkit/identities.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "certkit/cert.h"
#include "certkit/display.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "certkit/manifest.h"
#include "certkit/name.h"
#include "certkit/spiffe.h"

namespace certkit {

absl::StatusOr<std::vector<ClientIdentity>> ClusterIdentities(const std::string& cluster_dir) {
  auto m = LoadManifest(cluster_dir);
  if (!m.ok()) return m.status();
  std::vector<ClientIdentity> out;
  for (const LeafRecord& c : m->clients) {
    ClientIdentity id;
    id.client = c.name;
    id.role = c.name;
    id.cert_file = JoinPath(c.dir, absl::StrCat("client.", c.name, ".crt"));
    const std::string path = JoinPath(cluster_dir, id.cert_file);
    const std::string who = absl::StrCat("client '", EscapeForDisplay(c.name), "' (", path, ")");
    auto pem = ReadTextFile(path, 1u << 20);
    if (!pem.ok()) return Annotate(pem.status(), who);
    auto cert = Certificate::FromPem(*pem);
    if (!cert.ok()) return Annotate(cert.status(), who);
    for (const SubjectAltName& san : cert->subject_alt_names()) {
      if (san.type != SubjectAltName::Type::kUri || !IsSpiffeId(san.value)) continue;
      if (!id.spiffe_id.empty()) {
        return MakeError(ErrorKind::kInvalidArgument,
                         absl::StrCat(who, " has more than one SPIFFE ID ('",
                                      EscapeForDisplay(id.spiffe_id), "', '",
                                      EscapeForDisplay(san.value),
                                      "'): an X.509-SVID has exactly one"));
      }
      absl::Status s = ValidateSpiffeId(san.value);
      if (!s.ok()) return Annotate(s, who);
      id.spiffe_id = san.value;
    }
    if (id.spiffe_id.empty()) {
      return MakeError(ErrorKind::kNotFound,
                       absl::StrCat(who, " has no SPIFFE ID (a spiffe:// URI SAN): issue the "
                                         "cluster with --spiffe-id, or renew the client after "
                                         "`certkit cluster add --spiffe-id`"));
    }
    for (const ClientIdentity& other : out) {
      if (other.spiffe_id != id.spiffe_id) continue;
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat(who, " has the SPIFFE ID '", id.spiffe_id, "' of client '",
                                    EscapeForDisplay(other.client),
                                    "': an identity maps to one role (use {role} or {name} in "
                                    "the --spiffe-id template)"));
    }
    out.push_back(std::move(id));
  }
  return out;
}

std::string CqlString(absl::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string IdentitiesCql(const std::vector<ClientIdentity>& identities, bool create_roles) {
  std::string out;
  if (create_roles) {
    std::set<std::string> seen;
    for (const ClientIdentity& id : identities) {
      if (!seen.insert(id.role).second) continue;
      absl::StrAppend(&out, "CREATE ROLE IF NOT EXISTS ", CqlString(id.role), " WITH LOGIN = true;\n");
    }
  }
  for (const ClientIdentity& id : identities) {
    absl::StrAppend(&out, "ADD IDENTITY IF NOT EXISTS ", CqlString(id.spiffe_id), " TO ROLE ",
                    CqlString(id.role), ";\n");
  }
  return out;
}

}  // namespace certkit
