// cli/manifest.h: DIR/manifest.json, the machine-readable record of a
// cluster directory written by `certkit cluster init|add|renew`: the CA,
// every node and client (hosts, serial, fingerprint, expiry, files) and
// which password sources were used (never the passwords).
#ifndef CERTKIT_CLI_MANIFEST_H_
#define CERTKIT_CLI_MANIFEST_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace certkit_cli {

inline constexpr char kManifestFile[] = "manifest.json";

// One issued leaf (node or client) as recorded in the manifest.
struct LeafRecord {
  std::string name;                // host (nodes) or user (clients)
  std::string dir;                 // relative to the cluster directory
  std::vector<std::string> hosts;  // SANs (nodes)
  std::string serial;
  std::string sha256_fingerprint;
  absl::Time not_after;
  std::vector<std::string> files;  // file names inside |dir|
};

struct Manifest {
  int version = 1;
  absl::Time created;
  absl::Time updated;
  std::string key_spec;  // "ec:p256", ...
  int days = 0;          // leaf validity asked for; 0 = profile default
  std::vector<std::string> extra_sans;
  std::string organization;
  std::vector<std::string> formats;  // "pem", "jks", "p12"
  bool pkcs8 = false;
  std::string store_password_source;
  std::string truststore_password_source;
  struct Ca {
    std::string cert_file;  // "ca.crt"
    std::string key_file;   // "ca-private/ca.key"
    std::string subject;
    std::string serial;
    std::string sha256_fingerprint;
    absl::Time not_after;
  } ca;
  std::vector<std::string> truststores;
  std::vector<LeafRecord> nodes;
  std::vector<LeafRecord> clients;

  // FindNode/FindClient return the record with |name| or nullptr.
  LeafRecord* FindNode(const std::string& name);
  LeafRecord* FindClient(const std::string& name);
  bool HasFormat(const std::string& format) const;
};

nlohmann::json ManifestToJson(const Manifest& manifest);
// ManifestFromJson fails with kMalformed naming the missing/bad field.
absl::StatusOr<Manifest> ManifestFromJson(const nlohmann::json& j);

// LoadManifest reads DIR/manifest.json; SaveManifest writes it atomically.
absl::StatusOr<Manifest> LoadManifest(const std::string& cluster_dir);
absl::Status SaveManifest(const std::string& cluster_dir, const Manifest& manifest);

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_MANIFEST_H_
