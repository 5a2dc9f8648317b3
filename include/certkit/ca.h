// certkit/ca.h: certificate authorities and signing.
#ifndef CERTKIT_CA_H_
#define CERTKIT_CA_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "certkit/cert.h"
#include "certkit/csr.h"
#include "certkit/key.h"
#include "certkit/name.h"
#include "certkit/profile.h"

namespace certkit {
namespace internal {
struct IssuerEncoding;
}  // namespace internal

// Options shared by CA creation and signing.
struct IssueOptions {
  // Validity in days from |not_before|; 0 means the profile's default_days.
  int days = 0;
  // Start of validity; absl::InfinitePast() means "now - 1 minute" (clock skew).
  absl::Time not_before = absl::InfinitePast();
  // Allow notAfter past the issuer's notAfter. When off, asking for more is
  // an error (kInvalidArgument naming both dates): nothing is silently issued
  // shorter than asked. Validity is asked in days, so an excess of at most
  // one day (a 365-day CA signing a 365-day leaf a minute later) is issued
  // ending exactly at the issuer's notAfter instead.
  bool allow_beyond_issuer = false;
  // Extra SANs (added to those taken from the CSR per the policy).
  std::vector<SubjectAltName> sans;
  // Subject override; fields set here replace the CSR's (e.g. CN = user).
  std::optional<DistinguishedName> subject;
  SigningPolicy policy = SigningPolicy::Permissive();
  // Which subject keys may be certified: by default RSA < 2048 bits fails
  // with kWeakParameter and key types certkit does not model with
  // kUnsupported.
  KeyPolicy key_policy;

  // Validate fails with kInvalidArgument when days is negative.
  absl::Status Validate() const;
};

// Options for creating a CA certificate.
struct CaOptions {
  DistinguishedName subject;
  KeySpec key_spec;                 // used when |key| is not given
  std::optional<PrivateKey> key;    // bring your own key
  int days = 3650;
  std::optional<int> path_len;      // root: absent = unlimited; intermediate: default 0
  absl::Time not_before = absl::InfinitePast();
  bool allow_beyond_issuer = false; // intermediate only
  // keyUsage of the CA certificate (KeyUsageBit set); absent means
  // keyCertSign+cRLSign+digitalSignature. Must include keyCertSign.
  // Adapted to the key type like every profile (KeyUsageForKey).
  std::optional<uint32_t> key_usage;
  // Written as a critical nameConstraints extension when not empty; the CA
  // then refuses to sign names outside it (see SignRequest).
  NameConstraints name_constraints;

  // Validate fails with kInvalidArgument when days < 1 or path_len < 0.
  absl::Status Validate() const;
};

// CertificateAuthority is a CA certificate, its private key and the chain up
// to the root (empty for a root). Immutable once made; Sign* may be called
// from many threads at once.
class CertificateAuthority {
 public:
  // CreateRoot makes a self-signed v3 root: basicConstraints critical CA:TRUE
  // (+pathlen), keyUsage critical keyCertSign+cRLSign+digitalSignature, SKI,
  // AKI = SKI, random 128-bit serial, SHA-256 (SHA-384 for P-384).
  static absl::StatusOr<CertificateAuthority> CreateRoot(const CaOptions& options);

  // CreateIntermediate makes a CA signed by |parent| (path_len default 0).
  // Fails when the parent's pathlen does not allow another CA level.
  static absl::StatusOr<CertificateAuthority> CreateIntermediate(
      const CertificateAuthority& parent, const CaOptions& options);

  // Load builds a CA from an existing certificate and key (+ its chain to the
  // root, leaf-most first). kKeyMismatch when the key does not belong to the
  // cert; kIssuerNotCa when the cert is not a CA with keyCertSign. A v1
  // self-signed certificate (no extensions) counts as a root CA; the AKI of
  // what it signs is then the SHA-1 hash of its public key.
  static absl::StatusOr<CertificateAuthority> Load(const Certificate& cert,
                                                   const PrivateKey& key,
                                                   std::vector<Certificate> chain = {});

  // SignRequest issues a certificate for |csr| with |profile|. The CSR's
  // signature is verified first (kBadSignature). The policy decides the
  // subject; SANs come from the CSR (if the policy copies them) plus
  // options.sans. kInvalidArgument when the profile requires a SAN and there
  // is none, or a required subject field is missing. kNameConstraints when a
  // name (SAN or subject) lies outside the nameConstraints of this CA or of
  // any CA in its chain: nothing is issued.
  absl::StatusOr<Certificate> SignRequest(const CertificateRequest& csr, const Profile& profile,
                                          const IssueOptions& options = {}) const;

  // SignPublicKey issues a certificate for a bare public key with the
  // subject in options.subject (required).
  absl::StatusOr<Certificate> SignPublicKey(const PublicKey& key, const Profile& profile,
                                            const IssueOptions& options) const;

  const Certificate& certificate() const { return cert_; }
  const PrivateKey& key() const { return key_; }
  // chain: the CA's issuers, nearest first, up to and including the root.
  const std::vector<Certificate>& chain() const { return chain_; }
  // ChainWithSelf: certificate() followed by chain().
  std::vector<Certificate> ChainWithSelf() const;
  // root: the last certificate of the chain (the trust anchor to ship as
  // ca.crt); certificate() when the CA is itself a root.
  const Certificate& root() const { return chain_.empty() ? cert_ : chain_.back(); }

 private:
  // SignSubject applies the policy to |requested| and issues for |key|.
  absl::StatusOr<Certificate> SignSubject(const DistinguishedName& requested,
                                          const PublicKey& key, const Profile& profile,
                                          const IssueOptions& options) const;
  // Make computes the encodings every signature reuses.
  static absl::StatusOr<CertificateAuthority> Make(Certificate cert, PrivateKey key,
                                                   std::vector<Certificate> chain);
  CertificateAuthority(Certificate cert, PrivateKey key, std::vector<Certificate> chain)
      : cert_(std::move(cert)), key_(std::move(key)), chain_(std::move(chain)) {}
  Certificate cert_;
  PrivateKey key_;
  std::vector<Certificate> chain_;
  // The issuer Name, AKI and signature algorithm, encoded once (immutable,
  // shared by copies).
  std::shared_ptr<const internal::IssuerEncoding> encoding_;
};

// SelfSignLikeKeytool makes the self-signed certificate keytool -genkeypair
// makes for |key|: X.509 v3, random positive serial, SHA-256 (SHA-384 for
// P-384), subject = issuer = |subject| (required: kInvalidArgument when
// empty), valid |days| from |not_before| (InfinitePast: now - 1 minute), and
// only keytool's extensions: a subjectKeyIdentifier and, when |sans| is not
// empty, a subjectAltName (keytool -ext SAN=...). No basicConstraints.
absl::StatusOr<Certificate> SelfSignLikeKeytool(const DistinguishedName& subject, const PrivateKey& key,
                                                const std::vector<SubjectAltName>& sans, int days,
                                                absl::Time not_before = absl::InfinitePast());

// PickCaForKey finds, in a PEM bundle's certificates, the one whose public
// key is |key|'s (a ca.crt bundle holds several CAs during a rotation), and
// returns it followed by its issuers found in the same bundle (nearest
// first, stopping at a self-issued one). kKeyMismatch naming the subjects
// in the bundle when none matches.
absl::StatusOr<std::vector<Certificate>> PickCaForKey(const std::vector<Certificate>& bundle,
                                                      const PrivateKey& key);

// DefaultCaSubject is the subject certkit gives a cluster's CA when none is
// asked for: "CN=certkit CA <cluster> <id>" (+ O=|organization| first when
// given), where <id> is 8 random hex digits, so that two clusters' (or one
// cluster's old and new) CAs can be told apart in trust stores and
// messages. An empty |cluster_name| is left out.
DistinguishedName DefaultCaSubject(absl::string_view cluster_name, absl::string_view organization);

}  // namespace certkit

#endif  // CERTKIT_CA_H_
