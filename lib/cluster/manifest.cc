#include "certkit/manifest.h"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "certkit/keystore.h"
#include "certkit/rfc3339.h"
#include "certkit/spiffe.h"

namespace certkit {

using nlohmann::json;

LeafRecord* Manifest::FindNode(const std::string& name) {
  for (auto& n : nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

LeafRecord* Manifest::FindClient(const std::string& name) {
  for (auto& c : clients) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

bool Manifest::HasFormat(const std::string& format) const {
  return std::find(formats.begin(), formats.end(), format) != formats.end();
}

CaRecord* Manifest::FindCa(const std::string& fingerprint) {
  if (ca.sha256_fingerprint == fingerprint) return &ca;
  for (auto& c : other_cas) {
    if (c.sha256_fingerprint == fingerprint) return &c;
  }
  return nullptr;
}

CaRecord* Manifest::CaInState(absl::string_view state) {
  if (ca.state == state) return &ca;
  for (auto& c : other_cas) {
    if (c.state == state) return &c;
  }
  return nullptr;
}

std::vector<const CaRecord*> Manifest::TrustedCas() const {
  std::vector<const CaRecord*> out = {&ca};
  for (const auto& c : other_cas) {
    if (c.state == kCaNext || c.state == kCaPrevious) out.push_back(&c);
  }
  return out;
}

absl::Status CheckManifestPath(const std::string& path, absl::string_view what) {
  bool ok = !path.empty() && path.front() != '/' && path.find('\0') == std::string::npos;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    ok = ok && !part.empty() && part != "." && part != "..";
  }
  if (!ok) {
    return MakeError(ErrorKind::kMalformed,
                     absl::StrCat("manifest: ", what, " '", path,
                                  "' is not a path inside the cluster folder"));
  }
  return absl::OkStatus();
}

namespace {

json LeafToJson(const LeafRecord& r, bool is_node) {
  json j;
  j[is_node ? "host" : "user"] = r.name;
  j["dir"] = r.dir;
  if (is_node) j["hosts"] = r.hosts;
  j["serial"] = r.serial;
  j["sha256_fingerprint"] = r.sha256_fingerprint;
  j["not_after"] = FormatRfc3339(r.not_after);
  j["files"] = r.files;
  return j;
}

// Field access that turns nlohmann's exceptions into statuses.
template <typename T>
absl::Status Get(const json& j, const char* key, T* out) {
  auto it = j.find(key);
  if (it == j.end()) {
    return MakeError(ErrorKind::kMalformed,
                              absl::StrCat("manifest: field '", key, "' is missing"));
  }
  try {
    *out = it->get<T>();
  } catch (const json::exception&) {
    return MakeError(ErrorKind::kMalformed,
                              absl::StrCat("manifest: field '", key, "' has the wrong type"));
  }
  return absl::OkStatus();
}

// GetInt reads an integer field within [min, max]: a float (1e308) or an
// out-of-range value is kMalformed instead of an overflowing conversion.
absl::Status GetInt(const json& j, const char* key, int64_t min, int64_t max, int* out) {
  json v;
  absl::Status s = Get(j, key, &v);
  if (!s.ok()) return s;
  const bool in_range =
      (v.is_number_unsigned() && v.get<uint64_t>() <= static_cast<uint64_t>(max) &&
       static_cast<int64_t>(v.get<uint64_t>()) >= min) ||
      (v.is_number_integer() && !v.is_number_unsigned() && v.get<int64_t>() >= min &&
       v.get<int64_t>() <= max);
  if (!in_range) {
    return MakeError(ErrorKind::kMalformed,
                     absl::StrCat("manifest: field '", key, "' must be an integer from ", min,
                                  " to ", max));
  }
  *out = static_cast<int>(v.get<int64_t>());
  return absl::OkStatus();
}

// GetPath reads a path relative to the cluster folder that stays inside it:
// not absolute, no "." or ".." component, no empty component, no NUL.
absl::Status GetPath(const json& j, const char* key, std::string* out) {
  absl::Status s = Get(j, key, out);
  if (!s.ok()) return s;
  return CheckManifestPath(*out, key);
}

absl::Status GetTime(const json& j, const char* key, absl::Time* out) {
  std::string text;
  absl::Status s = Get(j, key, &text);
  if (!s.ok()) return s;
  auto t = ParseRfc3339(text);
  if (!t.ok()) return Annotate(t.status(), absl::StrCat("manifest field '", key, "'"));
  *out = *t;
  return absl::OkStatus();
}

// FolderKey normalizes a record's folder for comparison: "nodes/./a/" and
// "nodes/a" are one folder.
std::string FolderKey(const std::string& dir) {
  std::vector<std::string> parts;
  for (absl::string_view part : absl::StrSplit(dir, '/', absl::SkipEmpty())) {
    if (part != ".") parts.emplace_back(part);
  }
  return absl::StrJoin(parts, "/");
}

// CheckLeavesUnique refuses two node records with one host, two client
// records with one user (names compare case-insensitively, as DNS names
// do), and two records of either kind sharing a folder: issuing both would
// write two keys and certificates into one place.
absl::Status CheckLeavesUnique(const Manifest& m) {
  std::map<std::string, std::string> folders;  // folder -> whose
  for (const auto* list : {&m.nodes, &m.clients}) {
    const bool nodes = list == &m.nodes;
    std::set<std::string> names;
    for (const LeafRecord& r : *list) {
      const std::string who = absl::StrCat(nodes ? "node '" : "client '", r.name, "'");
      if (!names.insert(absl::AsciiStrToLower(r.name)).second) {
        return MakeError(ErrorKind::kMalformed,
                         absl::StrCat("manifest: two ", nodes ? "nodes" : "clients", " named '",
                                      r.name, "'"));
      }
      auto [it, fresh] = folders.emplace(FolderKey(r.dir), who);
      if (!fresh) {
        return MakeError(ErrorKind::kMalformed,
                         absl::StrCat("manifest: ", it->second, " and ", who,
                                      " share the folder '", r.dir, "'"));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<LeafRecord> LeafFromJson(const json& j, bool is_node) {
  LeafRecord r;
  absl::Status s;
  if (!j.is_object()) {
    return MakeError(ErrorKind::kMalformed, "manifest: a leaf entry is not an object");
  }
  if (!(s = Get(j, is_node ? "host" : "user", &r.name)).ok()) return s;
  if (!(s = GetPath(j, "dir", &r.dir)).ok()) return s;
  if (is_node && !(s = Get(j, "hosts", &r.hosts)).ok()) return s;
  if (!(s = Get(j, "serial", &r.serial)).ok()) return s;
  if (!(s = Get(j, "sha256_fingerprint", &r.sha256_fingerprint)).ok()) return s;
  if (!(s = GetTime(j, "not_after", &r.not_after)).ok()) return s;
  if (!(s = Get(j, "files", &r.files)).ok()) return s;
  for (const std::string& f : r.files) {
    if (f.find('/') != std::string::npos || !CheckManifestPath(f, "file").ok()) {
      return MakeError(ErrorKind::kMalformed,
                       absl::StrCat("manifest: file '", f, "' of '", r.name, "' is not a file name"));
    }
  }
  return r;
}

// CaToJson: the "ca" object (|full| false: the fields certkit always
// wrote) or an entry of "cas" (state, cross certificate, revocations).
json CaToJson(const CaRecord& c, bool full) {
  json j = {{"cert", c.cert_file},
            {"subject", c.subject},
            {"serial", c.serial},
            {"sha256_fingerprint", c.sha256_fingerprint},
            {"not_after", FormatRfc3339(c.not_after)}};
  if (c.key_uri.empty()) {
    j["key"] = c.key_file;
  } else {
    j["key_uri"] = c.key_uri;
  }
  if (!full) return j;
  j["state"] = c.state;
  if (!c.cross_cert_file.empty()) j["cross_cert"] = c.cross_cert_file;
  // The revocation list in RevocationList's own JSON form.
  const json list = json::parse(c.revocations.ToJson());
  j["crl_number"] = list["crl_number"];
  j["revoked"] = list["revoked"];
  return j;
}

absl::StatusOr<CaRecord> CaFromJson(const json& j, absl::string_view where) {
  CaRecord c;
  absl::Status s;
  if (!j.is_object()) {
    return MakeError(ErrorKind::kMalformed, absl::StrCat("manifest: ", where, " is not an object"));
  }
  if (!(s = GetPath(j, "cert", &c.cert_file)).ok()) return s;
  if (j.contains("key_uri")) {
    // A token key: its URI, and no key file.
    if (!(s = Get(j, "key_uri", &c.key_uri)).ok()) return s;
    if (!absl::StartsWithIgnoreCase(c.key_uri, "pkcs11:")) {
      return MakeError(ErrorKind::kMalformed,
                       absl::StrCat("manifest: ", where, " key_uri is not a pkcs11: URI"));
    }
    if (absl::StrContains(absl::AsciiStrToLower(c.key_uri), "pin-value")) {
      // A manifest never holds a PIN; one that does was not written by certkit.
      return MakeError(ErrorKind::kMalformed,
                       absl::StrCat("manifest: ", where, " key_uri carries a pin-value"));
    }
    if (j.contains("key")) {
      return MakeError(ErrorKind::kMalformed,
                       absl::StrCat("manifest: ", where, " has both key and key_uri"));
    }
  } else if (!(s = GetPath(j, "key", &c.key_file)).ok()) {
    return s;
  }
  if (!(s = Get(j, "subject", &c.subject)).ok()) return s;
  if (!(s = Get(j, "serial", &c.serial)).ok()) return s;
  if (!(s = Get(j, "sha256_fingerprint", &c.sha256_fingerprint)).ok()) return s;
  if (!(s = GetTime(j, "not_after", &c.not_after)).ok()) return s;
  if (j.contains("state")) {
    if (!(s = Get(j, "state", &c.state)).ok()) return s;
    if (c.state != kCaActive && c.state != kCaNext && c.state != kCaPrevious &&
        c.state != kCaRetired) {
      return MakeError(ErrorKind::kMalformed,
                       absl::StrCat("manifest: ", where, " state '", c.state,
                                    "' is not active, next, previous or retired"));
    }
  }
  if (j.contains("cross_cert") && !(s = GetPath(j, "cross_cert", &c.cross_cert_file)).ok()) return s;
  if (j.contains("crl_number") || j.contains("revoked")) {
    json list = {{"crl_number", j.value("crl_number", json(0))},
                 {"revoked", j.value("revoked", json::array())}};
    auto parsed = RevocationList::FromJson(list.dump());
    if (!parsed.ok()) return Annotate(parsed.status(), absl::StrCat("manifest: ", where));
    c.revocations = *std::move(parsed);
  }
  return c;
}

// CasFromJson reads "cas" (when present) into the active |m->ca| and
// |m->other_cas|; the active one must be the "ca" object.
absl::Status CasFromJson(const json& j, Manifest* m) {
  auto it = j.find("cas");
  if (it == j.end()) return absl::OkStatus();
  if (!it->is_array() || it->size() > 1000) {
    return MakeError(ErrorKind::kMalformed, "manifest: cas must be an array of at most 1000 CAs");
  }
  bool have_active = false;
  for (size_t i = 0; i < it->size(); ++i) {
    auto c = CaFromJson((*it)[i], absl::StrCat("cas[", i, "]"));
    if (!c.ok()) return c.status();
    if (c->state != kCaActive) {
      m->other_cas.push_back(*std::move(c));
      continue;
    }
    if (have_active || c->sha256_fingerprint != m->ca.sha256_fingerprint) {
      return MakeError(ErrorKind::kMalformed,
                       "manifest: cas must hold exactly one active CA, the one in \"ca\"");
    }
    have_active = true;
    m->ca = *std::move(c);
  }
  if (!have_active) {
    return MakeError(ErrorKind::kMalformed, "manifest: cas has no active CA");
  }
  return absl::OkStatus();
}

json ToJson(const Manifest& m) {
  json j;
  j["format"] = "certkit-cluster-manifest";
  j["version"] = m.version;
  j["created"] = FormatRfc3339(m.created);
  j["updated"] = FormatRfc3339(m.updated);
  j["key_spec"] = m.key_spec;
  j["days"] = m.days;
  j["extra_sans"] = m.extra_sans;
  j["organization"] = m.organization;
  if (!m.node_cn.empty()) j["node_cn"] = m.node_cn;
  if (!m.preset.empty()) j["preset"] = m.preset;
  if (!m.spiffe_id.empty()) j["spiffe_id"] = m.spiffe_id;
  j["formats"] = m.formats;
  if (!m.k8s_namespace.empty()) j["k8s_namespace"] = m.k8s_namespace;
  if (!m.pkcs12_profile.empty()) j["pkcs12_profile"] = m.pkcs12_profile;
  j["pkcs8"] = m.pkcs8;
  j["store_password_source"] = m.store_password_source;
  j["truststore_password_source"] = m.truststore_password_source;
  if (!m.ca_key_password_source.empty()) j["ca_key_password_source"] = m.ca_key_password_source;
  if (!m.pkcs11_module.empty()) j["pkcs11_module"] = m.pkcs11_module;
  if (!m.pkcs11_pin_source.empty()) j["pkcs11_pin_source"] = m.pkcs11_pin_source;
  j["ca"] = CaToJson(m.ca, /*full=*/false);
  json cas = json::array({CaToJson(m.ca, /*full=*/true)});
  for (const auto& c : m.other_cas) cas.push_back(CaToJson(c, /*full=*/true));
  j["cas"] = cas;
  if (!m.rotation.empty()) j["rotation"] = m.rotation;
  j["truststores"] = m.truststores;
  json nodes = json::array();
  for (const auto& n : m.nodes) nodes.push_back(LeafToJson(n, true));
  j["nodes"] = nodes;
  json clients = json::array();
  for (const auto& c : m.clients) clients.push_back(LeafToJson(c, false));
  j["clients"] = clients;
  return j;
}

absl::StatusOr<Manifest> FromJson(const json& j) {
  Manifest m;
  absl::Status s;
  if (!j.is_object()) return MakeError(ErrorKind::kMalformed, "manifest: not a JSON object");
  if (!(s = GetInt(j, "version", 0, 1 << 20, &m.version)).ok()) return s;
  if (m.version != 1) {
    return MakeError(ErrorKind::kUnsupported,
                              absl::StrCat("manifest: version ", m.version, " is not supported"));
  }
  if (!(s = GetTime(j, "created", &m.created)).ok()) return s;
  if (!(s = GetTime(j, "updated", &m.updated)).ok()) return s;
  if (!(s = Get(j, "key_spec", &m.key_spec)).ok()) return s;
  if (!(s = GetInt(j, "days", 0, kMaxLeafDays, &m.days)).ok()) return s;
  if (!(s = Get(j, "extra_sans", &m.extra_sans)).ok()) return s;
  if (!(s = Get(j, "organization", &m.organization)).ok()) return s;
  for (auto [name, field] : {std::pair<const char*, std::string*>{"node_cn", &m.node_cn},
                              {"preset", &m.preset},
                              {"k8s_namespace", &m.k8s_namespace},
                              {"spiffe_id", &m.spiffe_id},
                              {"pkcs12_profile", &m.pkcs12_profile}}) {
    if (j.contains(name) && !(s = Get(j, name, field)).ok()) return s;
  }
  if (!m.pkcs12_profile.empty()) {
    if (auto p = ParsePkcs12Profile(m.pkcs12_profile); !p.ok()) {
      return MakeError(ErrorKind::kMalformed, absl::StrCat("manifest: pkcs12_profile: ", p.status().message()));
    }
  }
  if (!m.spiffe_id.empty()) {
    if (absl::Status t = ValidateSpiffeIdTemplate(m.spiffe_id); !t.ok()) {
      return MakeError(ErrorKind::kMalformed, absl::StrCat("manifest: spiffe_id: ", t.message()));
    }
  }
  if (!(s = Get(j, "formats", &m.formats)).ok()) return s;
  if (!(s = Get(j, "pkcs8", &m.pkcs8)).ok()) return s;
  if (!(s = Get(j, "store_password_source", &m.store_password_source)).ok()) return s;
  if (!(s = Get(j, "truststore_password_source", &m.truststore_password_source)).ok()) return s;
  if (j.contains("ca_key_password_source") &&
      !(s = Get(j, "ca_key_password_source", &m.ca_key_password_source)).ok()) {
    return s;
  }
  for (auto [name, field] : {std::pair<const char*, std::string*>{"pkcs11_module", &m.pkcs11_module},
                              {"pkcs11_pin_source", &m.pkcs11_pin_source}}) {
    if (j.contains(name) && !(s = Get(j, name, field)).ok()) return s;
  }
  json ca;
  if (!(s = Get(j, "ca", &ca)).ok()) return s;
  auto active = CaFromJson(ca, "ca");
  if (!active.ok()) return active.status();
  m.ca = *std::move(active);
  m.ca.state = kCaActive;
  if (!(s = CasFromJson(j, &m)).ok()) return s;
  if (j.contains("rotation") && !(s = Get(j, "rotation", &m.rotation)).ok()) return s;
  if (!(s = Get(j, "truststores", &m.truststores)).ok()) return s;
  for (const std::string& t : m.truststores) {
    if (!(s = CheckManifestPath(t, "trust store")).ok()) return s;
  }
  json nodes, clients;
  if (!(s = Get(j, "nodes", &nodes)).ok()) return s;
  if (!(s = Get(j, "clients", &clients)).ok()) return s;
  if (!nodes.is_array() || !clients.is_array()) {
    return MakeError(ErrorKind::kMalformed, "manifest: nodes/clients must be arrays");
  }
  for (const json& n : nodes) {
    auto r = LeafFromJson(n, true);
    if (!r.ok()) return r.status();
    m.nodes.push_back(*std::move(r));
  }
  for (const json& c : clients) {
    auto r = LeafFromJson(c, false);
    if (!r.ok()) return r.status();
    m.clients.push_back(*std::move(r));
  }
  if (!(s = CheckLeavesUnique(m)).ok()) return s;
  return m;
}

}  // namespace

std::string ReusablePasswordSource(absl::string_view recorded) {
  if (absl::StartsWith(recorded, "env:") || absl::StartsWith(recorded, "file:")) {
    return std::string(recorded);
  }
  return "";
}

std::string ManifestToJson(const Manifest& manifest) { return ToJson(manifest).dump(2) + "\n"; }

absl::StatusOr<Manifest> ParseManifest(absl::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return MakeError(ErrorKind::kMalformed, "manifest: not valid JSON");
  return FromJson(j);
}

absl::StatusOr<Manifest> LoadManifest(const std::string& cluster_dir) {
  const std::string path = JoinPath(cluster_dir, kManifestFile);
  auto text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  auto m = ParseManifest(*text);
  if (!m.ok()) return Annotate(m.status(), absl::StrCat("'", path, "'"));
  return m;
}

absl::Status SaveManifest(const std::string& cluster_dir, const Manifest& manifest) {
  return WriteFileAtomic(JoinPath(cluster_dir, kManifestFile), ManifestToJson(manifest));
}

}  // namespace certkit
