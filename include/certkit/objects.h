// certkit/objects.h: classifying arbitrary PEM or DER input (a file someone
// hands over) into the objects it holds: certificates, certificate
// requests, private and public keys, CRLs and key stores. `certkit inspect`
// and `certkit expiry` read files through it.
#ifndef CERTKIT_OBJECTS_H_
#define CERTKIT_OBJECTS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "certkit/cert.h"
#include "certkit/csr.h"
#include "certkit/key.h"
#include "certkit/keystore.h"

namespace certkit {

// The key-derivation budget one input's encrypted keys share (opaque).
struct InputKdfBudget;

// One object found in the input.
struct InputObject {
  enum class Kind {
    kCertificate,         // |certificate|
    kCertificateRequest,  // |request|
    kPrivateKey,          // |private_key|, or |encrypted| and |data| to decrypt
    kPublicKey,           // |public_key|
    kCrl,                 // |data| is the DER CertificateList
    kKeyStore,            // |data| is the whole JKS/JCEKS/PKCS#12 input (needs a password)
    kUnknown,             // a PEM block with another label, or unrecognised DER
  };
  Kind kind = Kind::kUnknown;
  // The PEM label ("CERTIFICATE", ...); empty for DER input.
  std::string pem_label;
  // OK, or why an object whose kind is known from its PEM label could not be
  // parsed (e.g. a damaged "CERTIFICATE" block). The rest of the input is
  // still classified.
  absl::Status status;
  // kPrivateKey: the key is encrypted; open it with OpenPrivateKey.
  bool encrypted = false;
  // kPrivateKey (encrypted): the PEM block or DER; kCrl: DER; kKeyStore:
  // the input bytes.
  Bytes data;
  std::optional<Certificate> certificate;
  std::optional<CertificateRequest> request;
  std::optional<PrivateKey> private_key;
  std::optional<PublicKey> public_key;
  // kPrivateKey (encrypted): the budget shared by every encrypted key of the
  // same input (set by ParseObjects): 20 million KDF iterations in total, as
  // for a key store. OpenPrivateKey refuses at once, without deriving, when
  // the input's keys declare more than that, and charges each derivation.
  std::shared_ptr<InputKdfBudget> kdf_budget;

  // OpenPrivateKey returns the key of a kPrivateKey object, decrypting it
  // with |password| when it is encrypted (kBadPassword when wrong;
  // kLimitExceeded when the input's declared or spent key-derivation work
  // exceeds its budget). Not thread-safe for objects of one input.
  absl::StatusOr<PrivateKey> OpenPrivateKey(absl::string_view password) const;
  // OpenKeyStore loads a kKeyStore object (KeyStore::Load).
  absl::StatusOr<KeyStore> OpenKeyStore(absl::string_view password) const;
};

// InputObjectKindName returns "certificate", "certificate_request", "private_key",
// "public_key", "crl", "key_store" or "unknown".
const char* InputObjectKindName(InputObject::Kind kind);

// ParseObjects classifies |data|. PEM input (any "-----BEGIN " line) gives
// one object per block, in order; broken PEM armor is kMalformed naming the
// block. DER input gives one object: a certificate, CSR, JKS/JCEKS/PKCS#12
// key store, private key (PKCS#8, encrypted PKCS#8, PKCS#1, SEC 1) or
// SubjectPublicKeyInfo, tried in that order; anything else is a single
// kUnknown object (not an error: a directory scan meets JSON and the like).
absl::StatusOr<std::vector<InputObject>> ParseObjects(absl::Span<const uint8_t> data);

// ForEachObject is ParseObjects one object at a time: |visit| gets each
// object in order and may stop the walk by returning an error, which
// ForEachObject then returns. Only one parsed object is alive at a time, so
// a large bundle costs its input plus one object, not all of them parsed
// (inspect of a 59 MB bundle). Broken PEM armor fails before the first call.
absl::Status ForEachObject(absl::Span<const uint8_t> data,
                           const std::function<absl::Status(const InputObject&)>& visit);

}  // namespace certkit

#endif  // CERTKIT_OBJECTS_H_
