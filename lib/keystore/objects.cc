#include "certkit/objects.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "certkit/keystore.h"
#include "core/key_limits.h"
#include "crypto/pbe.h"
#include "keystore/encrypted_key_info.h"
#include "util/pem_blocks.h"

namespace certkit {

// One input's key-derivation budget: what its encrypted keys declare, and
// what decrypting them has spent (the key store defaults).
struct InputKdfBudget {
  int64_t declared = 0;
  crypto::KdfBudget budget{LoadOptions{}.max_total_iterations};
};

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
  crypto::PbeLimits limits;
  limits.max_iterations = LoadOptions{}.max_iterations;
  if (kdf_budget != nullptr) {
    absl::Status bounded = kdf_budget->budget.CheckDeclared(
        kdf_budget->declared, "the input's encrypted keys together");
    if (!bounded.ok()) return bounded;
    limits.budget = &kdf_budget->budget;
  }
  if (pem::LooksLikePem(data)) {
    return PrivateKeyFromPem(
        absl::string_view(reinterpret_cast<const char*>(data.data()), data.size()), password,
        KeyPolicy{}, limits);
  }
  return PrivateKeyFromDer(data, password, KeyPolicy{}, limits);
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

absl::Status ForEachObject(absl::Span<const uint8_t> data,
                           const std::function<absl::Status(const InputObject&)>& visit) {
  if (pem::LooksLikePem(data)) {
    auto blocks =
        pem::Parse(absl::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
    if (!blocks.ok()) return blocks.status();
    // The encrypted keys of the input share one budget, whose declared work
    // is known before the first of them is opened.
    auto kdf = std::make_shared<InputKdfBudget>();
    for (const pem::Block& block : *blocks) {
      if (block.label == "ENCRYPTED PRIVATE KEY") kdf->declared += keystore::DeclaredKeyKdfWork(block.der);
    }
    for (const pem::Block& block : *blocks) {
      InputObject o = FromPemBlock(block);
      if (o.encrypted) o.kdf_budget = kdf;
      if (absl::Status s = visit(o); !s.ok()) return s;
    }
    return absl::OkStatus();
  }
  InputObject o = FromDer(data);
  if (o.encrypted) {
    o.kdf_budget = std::make_shared<InputKdfBudget>();
    o.kdf_budget->declared = keystore::DeclaredKeyKdfWork(data);
  }
  return visit(o);
}

absl::StatusOr<std::vector<InputObject>> ParseObjects(absl::Span<const uint8_t> data) {
  std::vector<InputObject> out;
  absl::Status s = ForEachObject(data, [&out](const InputObject& o) {
    out.push_back(o);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace certkit
