// certkit/profile_file.h: signing profiles and policy as a JSON data file.
//
// A profile file expresses what an OpenSSL ca.conf says about signing
// (CockroachDB's ca.conf is the model; docs/PROFILES.md maps every line):
//
//   {
//     "ca":       {"key_usage": ["digitalSignature", "nonRepudiation",
//                                "keyEncipherment", "keyCertSign"],
//                  "path_len": 1, "days": 3660},
//     "policy":   {"subject": [{"O": "supplied"}, {"CN": "supplied"}],
//                  "keep_unlisted": false, "copy_sans": true},
//     "profiles": {
//       "node":   {"key_usage": ["digitalSignature", "keyEncipherment"],
//                  "extended_key_usage": ["serverAuth", "clientAuth"],
//                  "basic_constraints": false, "require_san": true, "days": 1830},
//       "client": {"key_usage": ["digitalSignature", "keyEncipherment"],
//                  "extended_key_usage": ["clientAuth"],
//                  "basic_constraints": false, "days": 1830}
//     }
//   }
//
// Unknown keys are errors (a typo must not silently weaken a policy).
#ifndef CERTKIT_PROFILE_FILE_H_
#define CERTKIT_PROFILE_FILE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "certkit/profile.h"

namespace certkit {

struct ProfileFile {
  // The "ca" section: how a CA made with this file looks.
  std::optional<uint32_t> ca_key_usage;
  std::optional<int> ca_path_len;
  std::optional<int> ca_days;
  // The "policy" section (absent: SigningPolicy::Permissive()).
  SigningPolicy policy = SigningPolicy::Permissive();
  // The "profiles" section by name. Profiles named like the built-in ones
  // ("node", "server", "client", "intermediate") start from the built-in
  // and override only the keys given; other names start empty.
  std::map<std::string, Profile> profiles;

  // Get returns the profile |name| (kNotFound listing the names in the file).
  absl::StatusOr<Profile> Get(absl::string_view name) const;
};

// ParseProfileFile parses the JSON text of a profile file. kInvalidArgument
// names the offending key (e.g. "profiles.node.key_usage[1]") and why.
absl::StatusOr<ProfileFile> ParseProfileFile(absl::string_view json);

// LoadProfileFile reads and parses |path| (errors name the file).
absl::StatusOr<ProfileFile> LoadProfileFile(const std::string& path);

// ParseKeyUsageName maps an RFC 5280 keyUsage name ("digitalSignature",
// "keyCertSign", ..., case-insensitive) to its KeyUsageBit.
absl::StatusOr<uint32_t> ParseKeyUsageName(absl::string_view name);

// ParseExtendedKeyUsageName maps "serverAuth", "clientAuth",
// "emailProtection", "codeSigning", "timeStamping", "OCSPSigning",
// "anyExtendedKeyUsage" (OpenSSL's names) or a dotted OID to a dotted OID.
absl::StatusOr<std::string> ParseExtendedKeyUsageName(absl::string_view name);

}  // namespace certkit

#endif  // CERTKIT_PROFILE_FILE_H_
