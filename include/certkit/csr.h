// certkit/csr.h: PKCS#10 certificate signing requests.
#ifndef CERTKIT_CSR_H_
#define CERTKIT_CSR_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "certkit/key.h"
#include "certkit/name.h"
#include "openssl/base.h"

namespace certkit {

// What a CSR asks for.
struct CsrRequest {
  DistinguishedName subject;
  std::vector<SubjectAltName> sans;
  std::optional<uint32_t> key_usage;              // KeyUsageBit set (cert.h)
  std::vector<std::string> extended_key_usage;    // dotted OIDs
};

class CertificateRequest {
 public:
  // Copies |req| (BoringSSL has no X509_REQ_up_ref); the caller keeps its
  // own. Copies of a CertificateRequest share one immutable X509_REQ.
  explicit CertificateRequest(X509_REQ* req);
  CertificateRequest(const CertificateRequest&);
  CertificateRequest& operator=(const CertificateRequest&);
  CertificateRequest(CertificateRequest&&) noexcept;
  CertificateRequest& operator=(CertificateRequest&&) noexcept;
  ~CertificateRequest();

  // Create builds and signs a CSR with |key| (SHA-256; SHA-384 for P-384;
  // pure Ed25519). Requested SANs/KU/EKU go into an extensionRequest.
  // An empty subject with no SANs is kInvalidArgument.
  static absl::StatusOr<CertificateRequest> Create(const CsrRequest& request,
                                                   const PrivateKey& key);

  // FromPem accepts "CERTIFICATE REQUEST" and keytool's "NEW CERTIFICATE
  // REQUEST". FromDer parses exactly one DER request. Both fail with
  // kMalformed on damaged input. Parsing does not check the signature.
  static absl::StatusOr<CertificateRequest> FromPem(absl::string_view pem);
  static absl::StatusOr<CertificateRequest> FromDer(absl::Span<const uint8_t> der);
  // Parse detects PEM or DER.
  static absl::StatusOr<CertificateRequest> Parse(absl::string_view data);

  // VerifySignature checks the self-signature; kBadSignature when it fails.
  // The request is immutable, so a success is remembered (shared by copies):
  // signing the same request again does not verify it again.
  absl::Status VerifySignature() const;

  DistinguishedName subject() const;
  PublicKey public_key() const;
  // Requested extensions (from the PKCS#9 extensionRequest attribute).
  std::vector<SubjectAltName> requested_sans() const;
  std::optional<uint32_t> requested_key_usage() const;
  std::vector<std::string> requested_extended_key_usage() const;
  std::string signature_algorithm() const;

  Bytes ToDer() const;
  std::string ToPem() const;  // "CERTIFICATE REQUEST"

  X509_REQ* native() const { return req_.get(); }

 private:
  std::shared_ptr<X509_REQ> req_;
  std::shared_ptr<std::atomic<bool>> signature_verified_;
};

}  // namespace certkit

#endif  // CERTKIT_CSR_H_
