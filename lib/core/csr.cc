#include "certkit/csr.h"

#include <atomic>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "certkit/cert.h"
#include "certkit/error.h"
#include "core/x509_ext.h"
#include "openssl/bytestring.h"
#include "openssl/err.h"
#include "openssl/evp.h"
#include "openssl/mem.h"
#include "openssl/obj.h"
#include "openssl/x509.h"
#include "openssl/x509v3.h"
#include "util/pem_blocks.h"

namespace certkit {
namespace {

bssl::UniquePtr<STACK_OF(X509_EXTENSION)> RequestedExtensions(X509_REQ* req) {
  return bssl::UniquePtr<STACK_OF(X509_EXTENSION)>(X509_REQ_get_extensions(req));
}

absl::StatusOr<CertificateRequest> ParseRequestDer(absl::Span<const uint8_t> der,
                                                   absl::string_view what) {
  const uint8_t* p = der.data();
  bssl::UniquePtr<X509_REQ> req(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
  if (!req) {
    return MakeError(ErrorKind::kMalformed,
                     absl::StrCat(what, " is not a valid DER PKCS#10 certificate request"));
  }
  if (p != der.data() + der.size()) {
    return MakeError(ErrorKind::kMalformed,
                     absl::StrCat(what, " has ", der.data() + der.size() - p,
                                  " trailing bytes after the certificate request"));
  }
  return CertificateRequest(req.get());
}

}  // namespace

CertificateRequest::CertificateRequest(X509_REQ* req)
    : req_(X509_REQ_dup(req), X509_REQ_free),
      signature_verified_(std::make_shared<std::atomic<bool>>(false)) {}
CertificateRequest::CertificateRequest(const CertificateRequest&) = default;
CertificateRequest& CertificateRequest::operator=(const CertificateRequest&) = default;
// Moves copy, so a moved-from request stays usable.
CertificateRequest::CertificateRequest(CertificateRequest&& o) noexcept
    : req_(o.req_), signature_verified_(o.signature_verified_) {}
CertificateRequest& CertificateRequest::operator=(CertificateRequest&& o) noexcept {
  req_ = o.req_;
  signature_verified_ = o.signature_verified_;
  return *this;
}
CertificateRequest::~CertificateRequest() = default;

absl::StatusOr<CertificateRequest> CertificateRequest::Create(const CsrRequest& request,
                                                              const PrivateKey& key) {
  if (request.subject.empty() && request.sans.empty()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "a certificate request needs a subject or subject alternative names");
  }
  bssl::UniquePtr<X509_REQ> req(X509_REQ_new());
  if (!req || !X509_REQ_set_version(req.get(), X509_REQ_VERSION_1)) {
    return MakeError(ErrorKind::kInternal, "out of memory");
  }
  auto name = request.subject.ToX509Name();
  if (!name.ok()) return name.status();
  if (!X509_REQ_set_subject_name(req.get(), name->get()) ||
      !X509_REQ_set_pubkey(req.get(), key.native())) {
    return MakeError(ErrorKind::kInternal, "cannot set the request subject or key");
  }
  bssl::UniquePtr<STACK_OF(X509_EXTENSION)> exts(sk_X509_EXTENSION_new_null());
  if (!exts) return MakeError(ErrorKind::kInternal, "out of memory");
  std::vector<absl::StatusOr<x509ext::ExtensionPtr>> built;
  if (!request.sans.empty()) {
    built.push_back(x509ext::SubjectAltNames(request.sans, request.subject.empty()));
  }
  if (request.key_usage.has_value()) built.push_back(x509ext::KeyUsage(*request.key_usage));
  if (!request.extended_key_usage.empty()) {
    built.push_back(x509ext::ExtendedKeyUsage(request.extended_key_usage));
  }
  for (auto& ext : built) {
    if (!ext.ok()) return ext.status();
    if (!bssl::PushToStack(exts.get(), *std::move(ext))) {
      return MakeError(ErrorKind::kInternal, "out of memory");
    }
  }
  if (sk_X509_EXTENSION_num(exts.get()) > 0 && !X509_REQ_add_extensions(req.get(), exts.get())) {
    return MakeError(ErrorKind::kInternal, "cannot add the extensionRequest attribute");
  }
  if (!X509_REQ_sign(req.get(), key.native(), DefaultDigest(key))) {
    return MakeError(ErrorKind::kInternal,
                     absl::StrCat("cannot sign the request with the ", key.Describe(), " key"));
  }
  return CertificateRequest(req.get());
}

absl::StatusOr<CertificateRequest> CertificateRequest::FromPem(absl::string_view pem) {
  auto blocks = pem::Parse(pem);
  if (!blocks.ok()) return blocks.status();
  for (size_t i = 0; i < blocks->size(); ++i) {
    const pem::Block& b = (*blocks)[i];
    if (b.label != "CERTIFICATE REQUEST" && b.label != "NEW CERTIFICATE REQUEST") continue;
    return ParseRequestDer(b.der, absl::StrCat("PEM block ", i, " (", b.label, ")"));
  }
  return MakeError(ErrorKind::kMalformed, "no CERTIFICATE REQUEST PEM block found");
}

absl::StatusOr<CertificateRequest> CertificateRequest::FromDer(absl::Span<const uint8_t> der) {
  return ParseRequestDer(der, "input");
}

absl::StatusOr<CertificateRequest> CertificateRequest::Parse(absl::string_view data) {
  if (pem::LooksLikePem(data)) return FromPem(data);
  return FromDer(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

absl::Status CertificateRequest::VerifySignature() const {
  // The request is immutable: a signature that verified once stays valid.
  if (signature_verified_->load(std::memory_order_acquire)) return absl::OkStatus();
  bssl::UniquePtr<EVP_PKEY> pkey(X509_REQ_get_pubkey(req_.get()));
  if (!pkey) {
    return MakeError(ErrorKind::kUnsupported,
                     "the certificate request's public key type is not supported");
  }
  if (X509_REQ_verify(req_.get(), pkey.get()) != 1) {
    ERR_clear_error();
    return MakeError(ErrorKind::kBadSignature, absl::StrCat("the certificate request for '",
                                                            subject().ToRfc4514(),
                                                            "' has an invalid signature"));
  }
  signature_verified_->store(true, std::memory_order_release);
  return absl::OkStatus();
}

DistinguishedName CertificateRequest::subject() const {
  return DistinguishedName::FromX509NameFlattened(X509_REQ_get_subject_name(req_.get()));
}

PublicKey CertificateRequest::public_key() const {
  // The key as the request encodes it, so signing it later re-uses these
  // bytes instead of encoding the key again.
  const Bytes der = ToDer();
  CBS in, req, info, version, subject, spki;
  CBS_init(&in, der.data(), der.size());
  if (CBS_get_asn1(&in, &req, CBS_ASN1_SEQUENCE) &&
      CBS_get_asn1(&req, &info, CBS_ASN1_SEQUENCE) &&
      CBS_get_asn1(&info, &version, CBS_ASN1_INTEGER) &&
      CBS_get_asn1(&info, &subject, CBS_ASN1_SEQUENCE) &&
      CBS_get_asn1_element(&info, &spki, CBS_ASN1_SEQUENCE)) {
    KeyPolicy any;
    any.allow_weak_keys = true;
    auto key = PublicKey::FromSpkiDer(absl::MakeConstSpan(CBS_data(&spki), CBS_len(&spki)), any);
    if (key.ok()) return *std::move(key);
  }
  ERR_clear_error();
  bssl::UniquePtr<EVP_PKEY> pkey(X509_REQ_get_pubkey(req_.get()));
  if (!pkey) pkey.reset(EVP_PKEY_new());  // unsupported key type: an empty key
  return PublicKey(pkey.get());
}

std::vector<SubjectAltName> CertificateRequest::requested_sans() const {
  auto exts = RequestedExtensions(req_.get());
  bssl::UniquePtr<GENERAL_NAMES> names(
      static_cast<GENERAL_NAMES*>(X509V3_get_d2i(exts.get(), NID_subject_alt_name, nullptr,
                                                 nullptr)));
  return FromGeneralNames(names.get());
}

std::optional<uint32_t> CertificateRequest::requested_key_usage() const {
  auto exts = RequestedExtensions(req_.get());
  bssl::UniquePtr<ASN1_BIT_STRING> ku(static_cast<ASN1_BIT_STRING*>(
      X509V3_get_d2i(exts.get(), NID_key_usage, nullptr, nullptr)));
  if (!ku) return std::nullopt;
  return x509ext::KeyUsageBits(ku.get());
}

std::vector<std::string> CertificateRequest::requested_extended_key_usage() const {
  auto exts = RequestedExtensions(req_.get());
  bssl::UniquePtr<EXTENDED_KEY_USAGE> eku(static_cast<EXTENDED_KEY_USAGE*>(
      X509V3_get_d2i(exts.get(), NID_ext_key_usage, nullptr, nullptr)));
  return x509ext::OidList(eku.get());
}

std::string CertificateRequest::signature_algorithm() const {
  const int nid = X509_REQ_get_signature_nid(req_.get());
  if (nid == NID_ED25519) return SN_ED25519;
  const char* ln = nid == NID_undef ? nullptr : OBJ_nid2ln(nid);
  return ln ? ln : "unknown";
}

Bytes CertificateRequest::ToDer() const {
  uint8_t* der = nullptr;
  const int len = i2d_X509_REQ(req_.get(), &der);
  if (len <= 0) return {};
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

std::string CertificateRequest::ToPem() const {
  return pem::EncodePublic("CERTIFICATE REQUEST", ToDer());
}

}  // namespace certkit
