// certkit/cert.h: X.509 certificates.
//
// Certificate shares one immutable certificate (reference counted); copies
// are cheap and it is safe to read from many threads. A certificate certkit
// has just signed keeps its DER and is parsed into a BoringSSL X509 only when
// first asked for a field (writing it out as DER or PEM never parses it).
#ifndef CERTKIT_CERT_H_
#define CERTKIT_CERT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "certkit/key.h"
#include "certkit/name.h"
#include "openssl/base.h"

namespace certkit {

class Certificate;
namespace internal {
struct CertState;
// AdoptSignedDer wraps the DER of a certificate certkit has just encoded and
// signed (lib/core/cert_builder.h), parsed on first use. Only for DER built
// by certkit itself: input from outside goes through Certificate::FromDer.
Certificate AdoptSignedDer(Bytes der);
}  // namespace internal

// keyUsage bits, as in RFC 5280 4.2.1.3.
enum KeyUsageBit : uint32_t {
  kKuDigitalSignature = 1u << 0,
  kKuNonRepudiation = 1u << 1,
  kKuKeyEncipherment = 1u << 2,
  kKuDataEncipherment = 1u << 3,
  kKuKeyAgreement = 1u << 4,
  kKuKeyCertSign = 1u << 5,
  kKuCrlSign = 1u << 6,
  kKuEncipherOnly = 1u << 7,
  kKuDecipherOnly = 1u << 8,
};

// Well-known extendedKeyUsage OIDs.
inline constexpr char kEkuServerAuth[] = "1.3.6.1.5.5.7.3.1";
inline constexpr char kEkuClientAuth[] = "1.3.6.1.5.5.7.3.2";
inline constexpr char kEkuEmailProtection[] = "1.3.6.1.5.5.7.3.4";
inline constexpr char kEkuAny[] = "2.5.29.37.0";

struct BasicConstraints {
  bool present = false;
  bool critical = false;
  bool is_ca = false;
  std::optional<int> path_len;  // absent = unlimited
};

class Certificate {
 public:
  // Takes a reference to |x509|; the caller keeps its own.
  explicit Certificate(X509* x509);
  Certificate(const Certificate&);
  Certificate& operator=(const Certificate&);
  Certificate(Certificate&&) noexcept;
  Certificate& operator=(Certificate&&) noexcept;
  ~Certificate();

  // FromDer parses exactly one DER certificate (trailing bytes: kMalformed).
  static absl::StatusOr<Certificate> FromDer(absl::Span<const uint8_t> der);
  // FromPem parses the first "CERTIFICATE" (or "X509 CERTIFICATE"/"TRUSTED
  // CERTIFICATE") block. kMalformed when there is none or it is damaged.
  static absl::StatusOr<Certificate> FromPem(absl::string_view pem);
  // ParseBundle returns every certificate in a PEM bundle, in order, or the
  // single certificate of a DER input. Other PEM blocks (keys) are skipped.
  // Zero certificates is kMalformed.
  static absl::StatusOr<std::vector<Certificate>> ParseBundle(absl::string_view data);

  int version() const;  // 1, 2 or 3
  // serial_hex: lower-case hex without separators, as keytool prints it.
  std::string serial_hex() const;
  Bytes serial_bytes() const;  // big-endian magnitude
  DistinguishedName subject() const;
  DistinguishedName issuer() const;
  absl::Time not_before() const;
  absl::Time not_after() const;
  std::vector<SubjectAltName> subject_alt_names() const;
  bool has_subject_alt_name_extension() const;
  // key_usage: bit set of KeyUsageBit; nullopt when the extension is absent.
  std::optional<uint32_t> key_usage() const;
  // extended_key_usage: dotted OIDs; nullopt when the extension is absent.
  std::optional<std::vector<std::string>> extended_key_usage() const;
  BasicConstraints basic_constraints() const;
  Bytes subject_key_id() const;    // empty when absent
  Bytes authority_key_id() const;  // keyIdentifier; empty when absent
  PublicKey public_key() const;
  // signature_algorithm: e.g. "sha256WithRSAEncryption", "ecdsa-with-SHA256", "ED25519".
  std::string signature_algorithm() const;
  bool is_self_issued() const;  // subject == issuer

  // Fingerprints in keytool's form "AB:CD:...".
  std::string Sha1Fingerprint() const;
  std::string Sha256Fingerprint() const;

  // Summary returns a multi-line human-readable description (subject, issuer,
  // serial, validity, key, SANs, extensions, fingerprints). Subject, issuer
  // and SAN values have control characters and invalid UTF-8 escaped (safe to
  // print on a terminal).
  std::string Summary() const;

  Bytes ToDer() const;
  std::string ToPem() const;

  // MatchesKey reports whether |key| is the private half of this cert's key.
  bool MatchesKey(const PrivateKey& key) const;

  bool operator==(const Certificate& o) const;
  bool operator!=(const Certificate& o) const { return !(*this == o); }

  // native returns the parsed X509, owned by this certificate (and shared
  // with its copies); never nullptr.
  X509* native() const;

 private:
  friend Certificate internal::AdoptSignedDer(Bytes der);
  explicit Certificate(std::shared_ptr<internal::CertState> state);
  std::shared_ptr<internal::CertState> state_;
};

// KeyUsageNames lists the bits of a KeyUsageBit set by their RFC 5280 names
// ("digitalSignature", "keyCertSign", ...), lowest bit first.
std::vector<std::string> KeyUsageNames(uint32_t bits);

// ExtendedKeyUsageName returns "serverAuth", "clientAuth", "emailProtection"
// or "anyExtendedKeyUsage" for those OIDs, and the dotted OID otherwise.
std::string ExtendedKeyUsageName(absl::string_view oid);

// FormatFingerprint renders bytes as "AB:CD:EF" (upper-case hex, colons).
std::string FormatFingerprint(absl::Span<const uint8_t> bytes);

// CertificatesToPem concatenates the PEM forms of |certs|.
std::string CertificatesToPem(absl::Span<const Certificate> certs);

}  // namespace certkit

#endif  // CERTKIT_CERT_H_
