// Kubernetes manifests for a cluster's or a leaf's files (certkit/k8s.h).
#include "certkit/k8s.h"

#include <openssl/base64.h>

#include <algorithm>
#include <map>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "certkit/ca_files.h"
#include "certkit/cert.h"
#include "certkit/display.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "certkit/keystore.h"
#include "util/write_set.h"

namespace certkit {
namespace {

// Longest object name (DNS-1123 subdomain) and label value.
constexpr size_t kMaxObjectName = 253;
constexpr size_t kMaxLabelValue = 63;
constexpr char kPasswordSuffix[] = "-store-password";
constexpr char kManagedBy[] = "certkit";

// The keys cert-manager gives a Certificate's Secret
// (https://cert-manager.io/docs/usage/certificate/, "keystores").
constexpr const char* kStoreKeys[] = {"keystore.jks", "keystore.p12", "truststore.jks",
                                      "truststore.p12"};

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::string Base64(absl::string_view data) {
  size_t len = 0;
  if (!EVP_EncodedLength(&len, data.size())) return "";
  std::string out(len, '\0');
  size_t n = EVP_EncodeBlock(reinterpret_cast<uint8_t*>(&out[0]),
                             reinterpret_cast<const uint8_t*>(data.data()), data.size());
  out.resize(n);
  return out;
}

// Quote gives |s| as a JSON string: a valid YAML double-quoted scalar
// (control characters escaped, invalid UTF-8 replaced).
std::string Quote(absl::string_view s) {
  return nlohmann::json(std::string(s)).dump(-1, ' ', false,
                                               nlohmann::json::error_handler_t::replace);
}

// A YAML mapping with its keys in the order given.
struct Yaml {
  std::vector<std::pair<std::string, std::string>> scalars;  // key, value
  std::vector<std::pair<std::string, Yaml>> maps;           // after the scalars
};

// Key gives a mapping key: plain when it is a letter or digit followed by
// letters, digits, '.', '-', '_' and '/' (every key certkit writes: "kind",
// "tls.crt", "app.kubernetes.io/name"), which YAML reads as that string;
// quoted otherwise.
std::string Key(absl::string_view k) {
  bool plain = !k.empty() && absl::ascii_isalnum(static_cast<unsigned char>(k[0]));
  for (char c : k) {
    plain = plain && (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ||
                      c == '_' || c == '/');
  }
  return plain ? std::string(k) : Quote(k);
}

void Emit(const Yaml& y, int indent, std::string* out) {
  const std::string pad(indent, ' ');
  for (const auto& [k, v] : y.scalars) absl::StrAppend(out, pad, Key(k), ": ", Quote(v), "\n");
  for (const auto& [k, m] : y.maps) {
    if (m.scalars.empty() && m.maps.empty()) {
      absl::StrAppend(out, pad, Key(k), ": {}\n");
      continue;
    }
    absl::StrAppend(out, pad, Key(k), ":\n");
    Emit(m, indent + 2, out);
  }
}

// An object: apiVersion, kind, metadata, then |type| (Secrets) and data.
struct Object {
  std::string kind;  // "Secret" or "ConfigMap"
  std::string name;
  std::string component;  // app.kubernetes.io/component
  std::string type;       // Secret type; empty for a ConfigMap
  std::vector<std::pair<std::string, std::string>> annotations;
  Yaml data;  // already base64 for a Secret
};

std::string Render(const Object& o, const K8sOptions& options) {
  Yaml metadata;
  metadata.scalars.push_back({"name", o.name});
  if (!options.namespace_name.empty()) metadata.scalars.push_back({"namespace", options.namespace_name});
  Yaml labels;
  labels.scalars.push_back({"app.kubernetes.io/managed-by", kManagedBy});
  labels.scalars.push_back({"app.kubernetes.io/component", o.component});
  // A label value is at most 63 characters; the name is a valid one then
  // (a DNS-1123 subdomain, which starts and ends with a letter or digit).
  if (o.name.size() <= kMaxLabelValue) labels.scalars.push_back({"app.kubernetes.io/instance", o.name});
  metadata.maps.push_back({"labels", labels});
  if (!o.annotations.empty()) {
    Yaml annotations;
    annotations.scalars = o.annotations;
    metadata.maps.push_back({"annotations", annotations});
  }
  std::string out =
      "# Written by certkit (docs/KUBERNETES.md); holds what the files next to it hold.\n";
  Yaml top;
  top.scalars.push_back({"apiVersion", "v1"});
  top.scalars.push_back({"kind", o.kind});
  Emit(top, 0, &out);
  Yaml rest;
  rest.maps.push_back({"metadata", metadata});
  Emit(rest, 0, &out);
  if (!o.type.empty()) {
    Yaml type;
    type.scalars.push_back({"type", o.type});
    Emit(type, 0, &out);
  }
  Yaml data;
  data.maps.push_back({"data", o.data});
  Emit(data, 0, &out);
  return out;
}

// A secret reference in cert-manager's passwordSecretRef shape.
std::string SecretRef(const std::string& name, const std::string& key) {
  nlohmann::json j = {{"name", name}, {"key", key}};
  return j.dump();
}

// A store file for a Secret: its data key (kStoreKeys) and path.
using StoreFiles = std::vector<std::pair<std::string, std::string>>;

// Stores: the stores of kStoreKeys that |files| (in |dir|) list, then those
// of |fallback_files| (in |fallback_dir|) not listed there: a cluster's
// leaves have their key stores in their folder and share the cluster's
// trust stores.
StoreFiles Stores(const std::string& dir, const std::vector<std::string>& files,
                  const std::string& fallback_dir, const std::vector<std::string>& fallback_files) {
  StoreFiles out;
  for (const char* store : kStoreKeys) {
    for (const auto& [d, list] : {std::pair<const std::string*, const std::vector<std::string>*>{&dir, &files},
                                  {&fallback_dir, &fallback_files}}) {
      if (std::find(list->begin(), list->end(), store) != list->end()) {
        out.push_back({store, JoinPath(*d, store)});
        break;
      }
    }
  }
  return out;
}

// LeafObjects reads the files of one leaf (in |dir|, file base |base|) and
// |stores|, and makes its TLS Secret and, with stores, its password Secret.
absl::Status LeafObjects(bool is_node, const std::string& name, const std::string& dir,
                         const std::string& base, const StoreFiles& stores,
                         const K8sOptions& options, std::vector<Object>* out) {
  auto object_name = K8sObjectName(is_node, name);
  if (!object_name.ok()) return object_name.status();
  const char* what = is_node ? "node" : "client";
  const std::string cert_path = JoinPath(dir, base + ".crt");
  const std::string key_path = JoinPath(dir, base + ".key");
  auto chain = ReadCertificates(cert_path);
  if (!chain.ok()) return chain.status();
  if (chain->empty()) {
    return MakeError(ErrorKind::kMalformed, absl::StrCat("'", cert_path, "' holds no certificate"));
  }
  auto key = ReadPrivateKey(key_path);
  if (!key.ok()) return key.status();
  if (!chain->front().MatchesKey(*key)) {
    return MakeError(ErrorKind::kKeyMismatch,
                     absl::StrCat("'", key_path, "' is not the key of '", cert_path,
                                  "': no Secret is written for ", what, " '",
                                  EscapeForDisplay(name), "'"));
  }
  auto bundle = ReadCertificates(JoinPath(dir, "ca.crt"));
  if (!bundle.ok()) return bundle.status();

  Object tls;
  tls.kind = "Secret";
  tls.name = *object_name;
  tls.component = what;
  tls.type = "kubernetes.io/tls";
  tls.annotations.push_back({"certkit.io/name", name});
  tls.data.scalars.push_back({"tls.crt", Base64(CertificatesToPem(*chain))});
  tls.data.scalars.push_back({"tls.key", Base64(key->ToPem())});
  tls.data.scalars.push_back({"ca.crt", Base64(CertificatesToPem(*bundle))});

  const std::string password_name = *object_name + kPasswordSuffix;
  const std::string& trust_password =
      options.truststore_password.empty() ? options.store_password : options.truststore_password;
  const bool separate_trust = trust_password != options.store_password;
  bool any_store = false, jks = false, p12 = false, trust = false;
  for (const auto& [store, path] : stores) {
    const bool is_trust = absl::StartsWith(store, "trust");
    const std::string& password = is_trust ? trust_password : options.store_password;
    if (password.empty()) {
      return MakeError(ErrorKind::kBadPassword,
                       absl::StrCat(what, " '", EscapeForDisplay(name), "' has ", store,
                                    ": its password Secret needs the store password"));
    }
    auto bytes = ReadFile(path);
    if (!bytes.ok()) return bytes.status();
    // The password Secret must open the store it is for.
    auto loaded = KeyStore::Load(*bytes, password);
    if (!loaded.ok()) {
      return Annotate(loaded.status(),
                      absl::StrCat("'", path, "' with the store password given for its Secret"));
    }
    tls.data.scalars.push_back(
        {store, Base64(absl::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()))});
    any_store = true;
    trust = trust || is_trust;
    jks = jks || absl::EndsWith(store, ".jks");
    p12 = p12 || absl::EndsWith(store, ".p12");
  }
  if (any_store) {
    // cert-manager's Certificate names the password of its stores with
    // spec.keystores.jks.passwordSecretRef / pkcs12.passwordSecretRef
    // ({name, key} of a Secret); the TLS Secret carries the same reference.
    if (jks) tls.annotations.push_back({"certkit.io/jks-password-secret-ref", SecretRef(password_name, "password")});
    if (p12) tls.annotations.push_back({"certkit.io/pkcs12-password-secret-ref", SecretRef(password_name, "password")});
    if (trust && separate_trust) {
      tls.annotations.push_back({"certkit.io/truststore-password-secret-ref",
                                 SecretRef(password_name, "truststore-password")});
    }
    Object pw;
    pw.kind = "Secret";
    pw.name = password_name;
    pw.component = "store-password";
    pw.type = "Opaque";
    pw.annotations.push_back({"certkit.io/name", name});
    pw.data.scalars.push_back({"password", Base64(options.store_password)});
    if (trust && separate_trust) pw.data.scalars.push_back({"truststore-password", Base64(trust_password)});
    out->push_back(std::move(tls));
    out->push_back(std::move(pw));
  } else {
    out->push_back(std::move(tls));
  }
  return absl::OkStatus();
}

absl::StatusOr<Object> BundleObject(const std::string& bundle_path) {
  auto cas = ReadCertificates(bundle_path);
  if (!cas.ok()) return cas.status();
  if (cas->empty()) {
    return MakeError(ErrorKind::kMalformed, absl::StrCat("'", bundle_path, "' holds no certificate"));
  }
  Object o;
  o.kind = "ConfigMap";
  o.name = kK8sBundleName;
  o.component = "trust-bundle";
  o.data.scalars.push_back({kK8sBundleKey, CertificatesToPem(*cas)});
  return o;
}

// WriteObjects writes each object as <out_dir>/k8s/<name>.yaml (0600) and
// makes them durable together.
absl::Status WriteObjects(const std::string& out_dir, const std::vector<Object>& objects,
                          const K8sOptions& options, std::vector<std::string>* written) {
  const std::string k8s_dir = JoinPath(out_dir, kK8sDir);
  absl::Status s = MakePrivateDirectory(k8s_dir);
  if (!s.ok()) return s;
  std::vector<std::string> paths;
  s = WriteDurably(k8s_dir, [&]() -> absl::Status {
    for (const Object& o : objects) {
      paths.push_back(JoinPath(k8s_dir, o.name + ".yaml"));
      WriteOptions wo;
      wo.mode = kPrivateFileMode;
      wo.overwrite = true;
      absl::Status w = WriteFileAtomic(paths.back(), Render(o, options), wo);
      if (!w.ok()) return w;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  written->insert(written->end(), paths.begin(), paths.end());
  return absl::OkStatus();
}

absl::Status CheckOptions(const K8sOptions& options) {
  if (options.namespace_name.empty()) return absl::OkStatus();
  return ValidateK8sNamespace(options.namespace_name);
}

}  // namespace

absl::Status ValidateK8sNamespace(absl::string_view ns) {
  auto bad = [&](absl::string_view why) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("Kubernetes namespace '", EscapeForDisplay(ns), "' ", why,
                                  " (a DNS-1123 label: 1 to 63 of a-z, 0-9 and '-', starting and "
                                  "ending with a letter or digit)"));
  };
  if (ns.empty()) return bad("is empty");
  if (ns.size() > kMaxLabelValue) return bad(absl::StrCat("has ", ns.size(), " characters"));
  for (size_t i = 0; i < ns.size(); ++i) {
    if (!IsLowerAlnum(ns[i]) && ns[i] != '-') {
      return bad(absl::StrCat("has '", EscapeForDisplay(ns.substr(i, 1)), "' at position ", i + 1));
    }
  }
  if (!IsLowerAlnum(ns.front()) || !IsLowerAlnum(ns.back())) {
    return bad("starts or ends with '-'");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> K8sObjectName(bool is_node, absl::string_view name) {
  const char* what = is_node ? "node" : "client";
  auto bad = [&](absl::string_view why) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat(what, " '", EscapeForDisplay(name),
                                  "' has no Kubernetes object name: ", why,
                                  " (--format k8s names its Secret ", what,
                                  "-<name>: letters, digits, '-', '.', '_' and ':', which "
                                  "become a lower-case DNS-1123 subdomain)"));
  };
  if (name.empty()) return bad("it is empty");
  std::string mapped;
  mapped.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    char c = absl::ascii_tolower(static_cast<unsigned char>(name[i]));
    if (c == '_' || c == ':') c = '-';
    if (!IsLowerAlnum(c) && c != '-' && c != '.') {
      return bad(absl::StrCat("'", EscapeForDisplay(name.substr(i, 1)), "' at position ", i + 1));
    }
    mapped.push_back(c);
  }
  if (!IsLowerAlnum(mapped.back())) return bad("it does not end with a letter or digit");
  // Each '.'-separated part starts and ends with a letter or digit.
  for (size_t i = 0; i < mapped.size(); ++i) {
    if (mapped[i] != '.') continue;
    if (i == 0 || mapped[i - 1] == '.' || mapped[i - 1] == '-' || i + 1 == mapped.size() ||
        mapped[i + 1] == '-' || mapped[i + 1] == '.') {
      return bad("a '.' next to '.', '-' or an edge");
    }
  }
  std::string object = absl::StrCat(what, "-", mapped);
  if (object.size() + sizeof(kPasswordSuffix) - 1 > kMaxObjectName) {
    return bad(absl::StrCat("it is ", name.size(), " characters long; at most ",
                            kMaxObjectName - (sizeof(kPasswordSuffix) - 1) - (object.size() - mapped.size()),
                            " fit"));
  }
  return object;
}

absl::Status CheckK8sNames(const std::vector<std::string>& nodes,
                           const std::vector<std::string>& clients) {
  // Every object name a leaf takes (its TLS Secret and its password
  // Secret), and the leaf that takes it.
  std::map<std::string, std::string> taken;
  for (const auto* list : {&nodes, &clients}) {
    const bool is_node = list == &nodes;
    for (const std::string& name : *list) {
      auto object = K8sObjectName(is_node, name);
      if (!object.ok()) return object.status();
      const std::string who = absl::StrCat(is_node ? "node '" : "client '", EscapeForDisplay(name), "'");
      for (const std::string& n : {*object, *object + kPasswordSuffix}) {
        auto [it, fresh] = taken.emplace(n, who);
        if (!fresh && it->second != who) {
          return MakeError(ErrorKind::kInvalidArgument,
                           absl::StrCat(it->second, " and ", who, " both take the Kubernetes object name '",
                                        n, "' (--format k8s): rename one"));
        }
      }
    }
  }
  return absl::OkStatus();
}

absl::Status WriteClusterK8s(const std::string& dir, const Manifest& manifest,
                             const K8sOptions& options, std::vector<std::string>* written) {
  absl::Status s = CheckOptions(options);
  if (!s.ok()) return s;
  std::vector<std::string> nodes, clients;
  for (const LeafRecord& r : manifest.nodes) nodes.push_back(r.name);
  for (const LeafRecord& r : manifest.clients) clients.push_back(r.name);
  s = CheckK8sNames(nodes, clients);
  if (!s.ok()) return s;
  std::vector<Object> objects;
  // The cluster's ca.crt: the bundle every leaf's ca.crt holds too (both
  // CAs while a rotation trusts both).
  auto bundle = BundleObject(JoinPath(dir, "ca.crt"));
  if (!bundle.ok()) return bundle.status();
  objects.push_back(*std::move(bundle));
  for (const auto* list : {&manifest.nodes, &manifest.clients}) {
    const bool is_node = list == &manifest.nodes;
    for (const LeafRecord& r : *list) {
      const std::string leaf_dir = JoinPath(dir, r.dir);
      s = LeafObjects(is_node, r.name, leaf_dir,
                      is_node ? std::string("node") : absl::StrCat("client.", r.name),
                      Stores(leaf_dir, r.files, dir, manifest.truststores), options, &objects);
      if (!s.ok()) return s;
    }
  }
  return WriteObjects(dir, objects, options, written);
}

absl::Status RefreshClusterK8s(const std::string& dir, const Manifest& manifest,
                               const LeafSettings& leaf, std::vector<std::string>* written) {
  if (!manifest.HasFormat("k8s")) return absl::OkStatus();
  K8sOptions options;
  options.namespace_name = manifest.k8s_namespace;
  options.store_password = leaf.store_password;
  options.truststore_password = leaf.truststore_password;
  return WriteClusterK8s(dir, manifest, options, written);
}

absl::Status WriteLeafK8s(const LeafRecord& record, bool is_node, const K8sOptions& options,
                          std::vector<std::string>* written) {
  absl::Status s = CheckOptions(options);
  if (!s.ok()) return s;
  std::vector<Object> objects;
  auto bundle = BundleObject(JoinPath(record.dir, "ca.crt"));
  if (!bundle.ok()) return bundle.status();
  objects.push_back(*std::move(bundle));
  s = LeafObjects(is_node, record.name, record.dir,
                  is_node ? std::string("node") : absl::StrCat("client.", record.name),
                  Stores(record.dir, record.files, "", {}), options, &objects);
  if (!s.ok()) return s;
  return WriteObjects(record.dir, objects, options, written);
}

}  // namespace certkit
