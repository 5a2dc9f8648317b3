// certkit/crl.h: certificate revocation lists a CA signs (RFC 5280 section 5).
//
// SignCrl makes a complete v2 CRL: issuer = the CA's subject, thisUpdate,
// nextUpdate, the revoked serials with their revocation dates (and reason
// codes when known), a non-critical cRLNumber and an authorityKeyIdentifier
// equal to the CA's key identifier; signed with the CA's key. `openssl
// verify -crl_check` and certkit's Verify (VerifyOptions::crls) accept it.
#ifndef CERTKIT_CRL_H_
#define CERTKIT_CRL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "certkit/ca.h"
#include "certkit/key.h"

namespace certkit {

// One revoked certificate.
struct RevokedCertificate {
  Bytes serial;                    // big-endian magnitude (Certificate::serial_bytes)
  absl::Time revocation_time;      // when it was revoked
  std::optional<int> reason;       // RFC 5280 5.3.1 CRLReason (0..10, not 7); absent = none
};

// ParseCrlReason maps "unspecified", "keyCompromise", "cACompromise",
// "affiliationChanged", "superseded", "cessationOfOperation",
// "certificateHold", "privilegeWithdrawn", "aACompromise"
// (case-insensitive) to the CRLReason value: the reasons that revoke.
// kInvalidArgument listing them otherwise, and for "removeFromCRL", which
// only un-lists a serial in a delta CRL and so would leave the certificate
// trusted.
absl::StatusOr<int> ParseCrlReason(absl::string_view name);
// CrlReasonName is the inverse of ParseCrlReason ("" for an unknown value).
std::string CrlReasonName(int reason);

struct CrlOptions {
  // cRLNumber; must increase with every CRL the CA issues (the caller keeps
  // it, e.g. in the cluster manifest). Must be >= 0.
  int64_t number = 1;
  // thisUpdate; absl::InfinitePast() means now (second precision).
  absl::Time this_update = absl::InfinitePast();
  // nextUpdate = thisUpdate + next_update_in (at least one minute).
  absl::Duration next_update_in = absl::Hours(24 * 7);
};

// Crl is a parsed, signed certificate revocation list.
class Crl {
 public:
  // Parse reads one CRL: PEM ("X509 CRL") or DER. kMalformed otherwise.
  static absl::StatusOr<Crl> Parse(absl::string_view data);

  const Bytes& der() const { return der_; }
  std::string ToPem() const;
  DistinguishedName issuer() const { return issuer_; }
  // number: the cRLNumber, or -1 when absent or too large for int64.
  int64_t number() const { return number_; }
  absl::Time this_update() const { return this_update_; }
  // next_update: absl::InfiniteFuture() when absent.
  absl::Time next_update() const { return next_update_; }
  // revoked: the listed serials in lower-case hex (as Certificate::serial_hex).
  const std::vector<std::string>& revoked_serials() const { return revoked_; }
  // IsRevoked reports whether |cert|'s serial is listed (issuer not checked).
  bool IsRevoked(const Certificate& cert) const;

 private:
  Crl() = default;
  Bytes der_;
  DistinguishedName issuer_;
  int64_t number_ = -1;
  absl::Time this_update_, next_update_;
  std::vector<std::string> revoked_;
};

// RevocationList is what a CA has revoked and the last cRLNumber it used,
// kept between runs (`certkit revoke` / `certkit crl` store it as JSON:
// {"crl_number": 3, "revoked": [{"serial": "1f..", "time":
// "2026-01-02T03:04:05Z", "reason": "keyCompromise"}]}).
struct RevocationList {
  int64_t crl_number = 0;  // the number of the last CRL signed; 0 = none yet
  std::vector<RevokedCertificate> revoked;

  // Add appends |r| unless its serial is already listed; returns whether it
  // was added.
  bool Add(const RevokedCertificate& r);
  std::string ToJson() const;
  // FromJson parses ToJson's form; kMalformed naming the bad entry.
  static absl::StatusOr<RevocationList> FromJson(absl::string_view json);
};

// ParseSerialHex parses a serial as printed by certkit, keytool or openssl
// ("1f2e", "1F:2E", "0x1f2e") into big-endian bytes without leading zeros.
// kInvalidArgument for anything else or more than 20 bytes.
absl::StatusOr<Bytes> ParseSerialHex(absl::string_view text);

// kMaxCrlNumber is the largest cRLNumber certkit signs or reads back from
// a revocation list; no CRL can follow one with this number.
inline constexpr int64_t kMaxCrlNumber = INT64_MAX;

// CheckCrlSigner fails (kInvalidArgument, naming the CA, its keyUsage and
// the fix) when |ca| has a keyUsage extension without cRLSign: relying
// parties refuse the CRLs it signs (RFC 5280 6.3.3 (f)).
absl::Status CheckCrlSigner(const Certificate& ca);

// SignCrl signs a CRL listing |revoked| with |ca|'s key. kInvalidArgument
// for a negative number, an empty or oversized serial, a reason that does
// not revoke, or a CA that may not sign CRLs (CheckCrlSigner).
absl::StatusOr<Crl> SignCrl(const CertificateAuthority& ca,
                            const std::vector<RevokedCertificate>& revoked,
                            const CrlOptions& options = {});

}  // namespace certkit

#endif  // CERTKIT_CRL_H_
