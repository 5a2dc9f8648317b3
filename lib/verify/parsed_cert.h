// lib/verify/parsed_cert.h: one certificate as the verifier sees it.
//
// ParsedCert decodes, once per certificate, every field the path validation
// rules look at (RFC 5280 4.1 and 4.2), with certkit's own strict DER
// parsing of the extensions. Structural defects that make the certificate
// unusable in any role (duplicate or malformed extensions, unknown critical
// extensions, mismatched signature algorithms) are recorded in |defect| and
// reported only when the certificate is actually used in a path, so an
// unrelated broken certificate in a trust store or intermediate pool does not
// fail a verification (x509-limbo "unrelated" cases).
#ifndef CERTKIT_LIB_VERIFY_PARSED_CERT_H_
#define CERTKIT_LIB_VERIFY_PARSED_CERT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/status/status.h"
#include "certkit/cert.h"
#include "openssl/evp.h"
#include "verify/general_names.h"

namespace certkit {
namespace verify_internal {

struct GeneralSubtree {
  GeneralName base;
};

struct NameConstraintsExt {
  bool present = false;
  bool critical = false;
  bool has_permitted = false;  // the [0] field is present
  bool has_excluded = false;   // the [1] field is present
  std::vector<GeneralSubtree> permitted;
  std::vector<GeneralSubtree> excluded;
  // The DNS bases of |permitted|, lower-cased, so a DNS name is checked with
  // one lookup per label instead of one comparison per subtree.
  std::unordered_set<std::string> permitted_dns;
  absl::Status defect;  // malformed subtree base (RFC 5280 4.2.1.10 syntax)
};

struct ParsedCert {
  explicit ParsedCert(Certificate c) : cert(std::move(c)) {}
  Certificate cert;
  X509* x509 = nullptr;
  std::string der;          // the whole certificate (identity comparisons)
  std::string description;  // "CN=..., O=..." for messages
  int version = 0;          // 1, 2 or 3
  bool subject_empty = false;
  bool issuer_empty = false;
  bool self_issued = false;  // subject == issuer (RFC 5280 6.1)
  uint32_t subject_hash = 0;
  uint32_t issuer_hash = 0;
  int64_t not_before = 0;  // Unix seconds
  int64_t not_after = 0;
  bssl::UniquePtr<EVP_PKEY> public_key;
  std::string spki_der;
  absl::Status key_defect;        // disallowed or unparsable key (CABF 6.1.5)
  absl::Status signature_defect;  // disallowed signature algorithm
  absl::Status defect;            // structural defect, see above
  absl::Status serial_defect;     // RFC 5280 4.1.2.2

  // basicConstraints (4.2.1.9)
  bool bc_present = false, bc_critical = false, is_ca = false;
  std::optional<int> path_len;
  // keyUsage (4.2.1.3), bit i = KeyUsageBit 1<<i
  bool ku_present = false;
  uint32_t key_usage = 0;
  // extendedKeyUsage (4.2.1.12)
  bool eku_present = false, eku_critical = false;
  std::vector<std::string> eku;  // dotted OIDs
  // subjectAltName (4.2.1.6)
  bool san_present = false, san_critical = false;
  std::vector<GeneralName> sans;
  // subject attributes used by identity and name constraints
  std::vector<std::string> common_names;
  std::vector<std::string> subject_emails;
  std::string subject_der;  // DER Name
  NameConstraintsExt name_constraints;
  // authorityKeyIdentifier (4.2.1.1) and subjectKeyIdentifier (4.2.1.2)
  bool aki_present = false, aki_critical = false;
  std::string aki_key_id;
  bool aki_has_issuer = false, aki_has_serial = false;
  bool ski_present = false, ski_critical = false;
  std::string ski;
  // policyConstraints (4.2.1.11)
  bool pc_present = false, pc_critical = false, pc_require_explicit = false;
};

// Parse builds a ParsedCert. It never fails: defects are recorded in the
// returned object.
std::shared_ptr<const ParsedCert> Parse(const Certificate& cert);

}  // namespace verify_internal
}  // namespace certkit

#endif  // CERTKIT_LIB_VERIFY_PARSED_CERT_H_
