// certkit/profile.h: signing profiles and signing policies, as data.
//
// A Profile says what a certificate is for: the extensions a CA writes when
// it signs. The built-in ones mirror CockroachDB's ca.conf sections; callers
// can copy one and adjust any field.
#ifndef CERTKIT_PROFILE_H_
#define CERTKIT_PROFILE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "certkit/key.h"

namespace certkit {

// NameConstraints is what a constrained CA writes into its critical
// nameConstraints extension (RFC 5280 4.2.1.10). DNS entries are host names
// ("example.com": the name and its subdomains) or ".example.com" (subdomains
// only, as OpenSSL writes it); IP entries are CIDR blocks ("10.0.0.0/8",
// "fd00::/8"); email entries are a mailbox, a host or ".domain".
struct NameConstraints {
  std::vector<std::string> permitted_dns, excluded_dns;
  std::vector<std::string> permitted_ip, excluded_ip;
  std::vector<std::string> permitted_email, excluded_email;
  bool empty() const;
};

struct Profile {
  std::string name;
  bool is_ca = false;
  std::optional<int> path_len;                  // CA only; absent = unlimited
  uint32_t key_usage = 0;                       // KeyUsageBit set, written critical
  std::vector<std::string> extended_key_usage;  // dotted OIDs; empty = no EKU extension
  bool allow_sans = true;                       // SANs are written when given
  bool require_san = false;                     // signing without a SAN fails
  int default_days = 365;
  // Leaves: write basicConstraints CA:FALSE (critical). CA profiles always
  // write it. `openssl ca` with CockroachDB's ca.conf writes none.
  bool basic_constraints = true;
  // CA profiles only: a critical nameConstraints extension when not empty.
  NameConstraints name_constraints;

  // node: digitalSignature+keyEncipherment, serverAuth+clientAuth, SANs
  // required (CockroachDB signing_node_req).
  static Profile Node();
  // server: like node, serverAuth only.
  static Profile Server();
  // client: digitalSignature+keyEncipherment, clientAuth (signing_client_req);
  // the CN is the user name.
  static Profile Client();
  // intermediate: CA:TRUE (critical) with |path_len|, keyCertSign+cRLSign+digitalSignature.
  static Profile Intermediate(std::optional<int> path_len = 0);
  // root: as intermediate, self-signed; path_len as given.
  static Profile Root(std::optional<int> path_len = std::nullopt);

  // ByName returns "node", "server", "client", "intermediate" (kInvalidArgument
  // for anything else, listing the valid names).
  static absl::StatusOr<Profile> ByName(absl::string_view name);

  // Validate fails with kInvalidArgument naming the field when the profile
  // cannot be signed with: default_days < 1, key_usage bits beyond
  // decipherOnly (bit 8), an extended_key_usage entry that is not a dotted
  // OID, a negative path_len.
  absl::Status Validate() const;
};

// KeyUsageForKey adapts a profile's keyUsage to the subject key type:
// keyEncipherment and dataEncipherment are RSA-only (RFC 5480 section 3,
// RFC 8410 section 5) and are dropped for EC and Ed25519 keys, which get
// digitalSignature instead when a leaf would otherwise be left without a
// signing bit. CA bits (keyCertSign, cRLSign) are kept.
uint32_t KeyUsageForKey(uint32_t bits, KeyType key_type);
// CheckValidityDays returns kInvalidArgument naming |days| when it is less
// than one day, OK otherwise.
absl::Status CheckValidityDays(int days);

// ParseExtendedKeyUsages turns "serverAuth, clientAuth, 1.2.3.4" into dotted
// OIDs: a comma-separated list of what ParseExtendedKeyUsageName
// (certkit/profile_file.h) accepts, OpenSSL's names (case-insensitive) or
// dotted OIDs. Anything else is kInvalidArgument naming the item.
absl::StatusOr<std::vector<std::string>> ParseExtendedKeyUsages(absl::string_view text);

// What the CA does with a CSR's subject and extensions (openssl ca's
// -policy and copy_extensions).
struct SigningPolicy {
  enum class Rule { kOptional, kSupplied, kMatch };
  struct Field {
    std::string type;  // "O", "CN", ...
    Rule rule = Rule::kOptional;
  };
  // Fields the CSR subject must carry (kSupplied) or that must equal the
  // CA's own value (kMatch). Fields not listed are kept (keep_unlisted) or
  // dropped.
  std::vector<Field> fields;
  bool keep_unlisted = true;
  // Copy requested SANs from the CSR (openssl ca copy_extensions = copy).
  bool copy_csr_sans = true;

  // Cockroach: O and CN supplied, everything else kept, SANs copied.
  static SigningPolicy Cockroach();
  // Permissive: nothing required, SANs copied (the default).
  static SigningPolicy Permissive();
};

}  // namespace certkit

#endif  // CERTKIT_PROFILE_H_
