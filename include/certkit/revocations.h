// certkit/revocations.h: where a CA directory keeps what its CA revoked, for
// `certkit revoke` and `certkit crl`.
//
// A cluster directory (it has manifest.json) keeps one revocation list per
// CA in the manifest (CaRecord::revocations: "revoked" and "crl_number" of
// each "cas" entry), so that a rotation keeps the old CA's list; its CRL is
// signed by the active CA. A plain CA directory (`certkit ca create`: ca.crt
// and ca-private/ca.key) keeps its list in DIR/revoked.json
// (RevocationList's JSON form, certkit/crl.h). A cluster made before the
// manifest held revocations and that has a DIR/revoked.json takes that list
// over for its active CA the first time it is changed.
#ifndef CERTKIT_REVOCATIONS_H_
#define CERTKIT_REVOCATIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "certkit/ca.h"
#include "certkit/ca_files.h"
#include "certkit/cert.h"
#include "certkit/crl.h"

namespace certkit {

// The revocation list file of a plain CA directory.
inline constexpr char kRevokedFile[] = "revoked.json";

// A CA that publishes a CRL for a directory.
struct CrlIssuer {
  CaFiles files;         // key_password and allow_insecure_key left for the caller
  std::string crl_name;  // default CRL file name without extension: "crl", "crl-<id>"
  // A cluster's recorded CA key password source (Manifest::
  // ca_key_password_source, e.g. "env:CA_PASS"); empty for a plain CA
  // directory and for a manifest that records none.
  std::string key_password_source;
  // A CA whose key is in a PKCS#11 token: files.key_path is empty, and these
  // are the manifest's key_uri, pkcs11_module and pkcs11_pin_source.
  std::string key_uri;
  std::string pkcs11_module;
  std::string pkcs11_pin_source;
};

// DirectoryCrlIssuers lists the CAs whose CRLs |dir| publishes: a cluster's
// trusted CAs, the active one first ("crl") and, during a rotation, the
// other one ("crl-<first 8 hex digits of its SHA-256 fingerprint>", so that
// what the old CA revoked stays published while its certificates are still
// trusted); DIR/ca.crt with DIR/ca-private/ca.key ("crl") for a plain CA
// directory. Errors are those of LoadManifest.
absl::StatusOr<std::vector<CrlIssuer>> DirectoryCrlIssuers(const std::string& dir);

// What to revoke: a certificate (its issuer must be one of the directory's
// CAs) or, when |cert| is empty, a serial of the signing CA.
struct RevokeRequest {
  std::optional<Certificate> cert;
  Bytes serial;                                // used when |cert| is empty
  std::optional<int> reason;                   // CRLReason; absent = none
  absl::Time time = absl::InfinitePast();      // InfinitePast = now (second precision)
};

struct RevokeResult {
  bool added = false;        // false: the serial was already listed (nothing written)
  size_t count = 0;          // certificates now listed for that CA
  std::string list_path;     // DIR/manifest.json or DIR/revoked.json
  std::string issuer;        // subject (RFC 4514) of the CA the entry is filed under
  // Non-empty when that CA may not sign CRLs (CheckCrlSigner's message): the
  // entry is recorded, but `certkit crl` will refuse to publish it.
  std::string warning;
};

// RevokeInDirectory records |request| in |dir|'s revocation list (written
// atomically; the manifest keeps everything else as it was). kInvalidArgument
// naming the issuer when the certificate was not issued by a CA of |dir|
// (a cluster's CAs, or a certificate of DIR/ca.crt); kInvalidArgument for an
// empty serial; errors of reading the manifest, ca.crt or revoked.json name
// the file.
absl::StatusOr<RevokeResult> RevokeInDirectory(const std::string& dir,
                                               const RevokeRequest& request);

// SignDirectoryCrl signs a CRL with |ca| (loaded from a DirectoryCrlIssuers
// entry) listing what |dir| recorded for it, numbered one above the last
// CRL recorded (RecordDirectoryCrl), valid for |next_update_in|. Nothing is
// written. kInvalidArgument when |ca| is not one of the directory's
// issuers.
absl::StatusOr<Crl> SignDirectoryCrl(const std::string& dir, const CertificateAuthority& ca,
                                     absl::Duration next_update_in);

// RecordDirectoryCrl records |crl|'s number as |dir|'s last cRLNumber for
// |ca|: call it once the CRL was published, so that the next one is higher.
absl::Status RecordDirectoryCrl(const std::string& dir, const CertificateAuthority& ca,
                                const Crl& crl);

}  // namespace certkit

#endif  // CERTKIT_REVOCATIONS_H_
