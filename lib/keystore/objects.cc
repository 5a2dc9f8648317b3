#include "certkit/objects.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "util/pem_blocks.h"

namespace certkit {
namespace {

using Kind = InputObject::Kind;

bool IsOneOf(absl::string_view label, std::initializer_list<absl::string_view> labels) {
  for (absl::string_view l : labels) {
    if (label == l) return true;
  }
  return false;
}

// Keep stores a parsed value in |out|, or its error in |status|.
template <typename T>
void Keep(absl::StatusOr<T> parsed, std::optional<T>* out, absl::Status* status) {
  if (parsed.ok()) {
    *out = *std::move(parsed);
  } else {
    *status = parsed.status();
  }
}

InputObject FromPemBlock(const pem::Block& block) {
  InputObject o;
  o.pem_label = block.label;
  const std::string& label = block.label;
  if (IsOneOf(label, {"CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"})) {
    o.kind = Kind::kCertificate;
    Keep(Certificate::FromDer(block.der), &o.certificate, &o.status);
  } else if (IsOneOf(label, {"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"})) {
    o.kind = Kind::kCertificateRequest;
    Keep(CertificateRequest::FromDer(block.der), &o.request, &o.status);
  } else if (IsOneOf(label, {"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY",
                             "ENCRYPTED PRIVATE KEY"})) {
    o.kind = Kind::kPrivateKey;
    o.encrypted = label == "ENCRYPTED PRIVATE KEY" || !block.Header("DEK-Info").empty();
    const std::string text = pem::Encode(label, block.der, block.headers);
    if (o.encrypted) {
      o.data.assign(text.begin(), text.end());
    } else {
      Keep(PrivateKey::FromPem(text), &o.private_key, &o.status);
    }
  } else if (label == "PUBLIC KEY") {
    o.kind = Kind::kPublicKey;
    Keep(PublicKey::FromSpkiDer(block.der), &o.public_key, &o.status);
  } else if (label == "X509 CRL") {
    o.kind = Kind::kCrl;
    o.data = block.der;
  }
  return o;
}

InputObject FromDer(absl::Span<const uint8_t> data) {
  InputObject o;
  if (auto cert = Certificate::FromDer(data); cert.ok()) {
    o.kind = Kind::kCertificate;
    o.certificate = *std::move(cert);
    return o;
  }
  if (auto csr = CertificateRequest::FromDer(data); csr.ok()) {
    o.kind = Kind::kCertificateRequest;
    o.request = *std::move(csr);
    return o;
  }
  if (auto format = DetectStoreFormat(data); format.ok() && *format != StoreFormat::kPem) {
    o.kind = Kind::kKeyStore;
    o.data.assign(data.begin(), data.end());
    return o;
  }
  auto key = PrivateKey::FromDer(data);
  if (key.ok()) {
    o.kind = Kind::kPrivateKey;
    o.private_key = *std::move(key);
    return o;
  }
  if (GetErrorKind(key.status()) == ErrorKind::kBadPassword) {  // EncryptedPrivateKeyInfo
    o.kind = Kind::kPrivateKey;
    o.encrypted = true;
    o.data.assign(data.begin(), data.end());
    return o;
  }
  if (auto pub = PublicKey::FromSpkiDer(data); pub.ok()) {
    o.kind = Kind::kPublicKey;
    o.public_key = *std::move(pub);
    return o;
  }
  return o;  // kUnknown
}

}  // namespace

absl::StatusOr<PrivateKey> InputObject::OpenPrivateKey(absl::string_view password) const {
  if (kind != Kind::kPrivateKey) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("a ", InputObjectKindName(kind), " is not a private key"));
  }
  if (!status.ok()) return status;
  if (!encrypted) return *private_key;
  return PrivateKey::Parse(data, password);
}

absl::StatusOr<KeyStore> InputObject::OpenKeyStore(absl::string_view password) const {
  if (kind != Kind::kKeyStore) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("a ", InputObjectKindName(kind), " is not a key store"));
  }
  return KeyStore::Load(data, password);
}

const char* InputObjectKindName(InputObject::Kind kind) {
  switch (kind) {
    case Kind::kCertificate: return "certificate";
    case Kind::kCertificateRequest: return "certificate_request";
    case Kind::kPrivateKey: return "private_key";
    case Kind::kPublicKey: return "public_key";
    case Kind::kCrl: return "crl";
    case Kind::kKeyStore: return "key_store";
    case Kind::kUnknown: return "unknown";
  }
  return "unknown";
}

absl::StatusOr<std::vector<InputObject>> ParseObjects(absl::Span<const uint8_t> data) {
  std::vector<InputObject> out;
  if (pem::LooksLikePem(data)) {
    auto blocks =
        pem::Parse(absl::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
    if (!blocks.ok()) return blocks.status();
    for (const pem::Block& block : *blocks) out.push_back(FromPemBlock(block));
    return out;
  }
  out.push_back(FromDer(data));
  return out;
}

}  // namespace certkit
