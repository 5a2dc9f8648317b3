// certkit/key.h: private and public keys.
//
// PrivateKey and PublicKey are cheap to copy: they share one immutable
// BoringSSL EVP_PKEY (reference counted), so they may be used from many
// threads at once.
#ifndef CERTKIT_KEY_H_
#define CERTKIT_KEY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "openssl/base.h"

namespace certkit {

using Bytes = std::vector<uint8_t>;

// kEcP521 is appended (imports and "ec:p521"); the first four values are the
// original contract.
enum class KeyType { kRsa, kEcP256, kEcP384, kEd25519, kEcP521 };

// KeySpec names a key to generate. Parse accepts the CLI forms "rsa:2048",
// "rsa:3072", "rsa:4096", "rsa" (= rsa:2048), "ec:p256", "ec:p384",
// "ed25519" (case-insensitive; "p256"/"prime256v1"/"secp384r1" too), and
// "ec:p521". Unknown forms fail with kInvalidArgument, RSA sizes below 2048
// with kWeakParameter, other RSA sizes with kInvalidArgument.
struct KeySpec {
  KeyType type = KeyType::kEcP256;
  int rsa_bits = 2048;  // only for kRsa

  static absl::StatusOr<KeySpec> Parse(absl::string_view text);
  // ToString returns the canonical form ("rsa:2048", "ec:p256", "ed25519").
  std::string ToString() const;
};

// Options for key import and generation.
struct KeyPolicy {
  // Accept RSA keys shorter than 2048 bits (and EC curves other than P-256,
  // P-384, P-521). Off by default: such keys are refused with kWeakParameter.
  bool allow_weak_keys = false;
};

// Which container PrivateKey::ToPem/ToDer writes.
enum class KeyFormat {
  kPkcs8,        // "PRIVATE KEY" (RFC 5208)
  kTraditional,  // "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY" (SEC 1);
                 // Ed25519 has none and falls back to PKCS#8
};

// Parameters for encrypted PKCS#8 output. The defaults are PBES2 with
// PBKDF2-HMAC-SHA256 and AES-256-CBC, the modern OpenSSL 3 / JDK choice.
struct KeyEncryption {
  int iterations = 100000;
};

class PublicKey {
 public:
  // Takes a reference to |pkey|; the caller keeps its own.
  explicit PublicKey(EVP_PKEY* pkey);
  PublicKey(const PublicKey&);
  PublicKey& operator=(const PublicKey&);
  PublicKey(PublicKey&&) noexcept;
  PublicKey& operator=(PublicKey&&) noexcept;
  ~PublicKey();

  // FromSpkiDer parses a DER SubjectPublicKeyInfo. FromPem parses a
  // "PUBLIC KEY" PEM block.
  static absl::StatusOr<PublicKey> FromSpkiDer(absl::Span<const uint8_t> der,
                                               const KeyPolicy& policy = {});
  static absl::StatusOr<PublicKey> FromPem(absl::string_view pem,
                                           const KeyPolicy& policy = {});

  KeyType type() const;
  // bits returns the modulus size for RSA, the field size for EC, 256 for Ed25519.
  int bits() const;
  // Description, e.g. "RSA 2048", "EC P-256", "Ed25519".
  std::string Describe() const;

  // ToSpkiDer returns the DER SubjectPublicKeyInfo. A key that came from DER
  // (FromSpkiDer, PrivateKey::public_key, CertificateRequest::public_key)
  // keeps that encoding, so repeated calls cost a copy, not an encoding (for
  // EC keys an encoding is a field inversion).
  Bytes ToSpkiDer() const;
  std::string ToPem() const;  // "PUBLIC KEY"
  // CheckPolicy applies |policy| as FromSpkiDer does: kWeakParameter for
  // short RSA keys and odd curves, kUnsupported for key types certkit does
  // not model.
  absl::Status CheckPolicy(const KeyPolicy& policy) const;

  // Equals compares the public key material.
  bool Equals(const PublicKey& other) const;

  // native returns the underlying key; the PublicKey keeps ownership.
  EVP_PKEY* native() const { return pkey_; }

 private:
  friend class PrivateKey;
  EVP_PKEY* pkey_;
  // The SPKI this key was parsed from, shared by copies; null when the key
  // was wrapped from an EVP_PKEY.
  std::shared_ptr<const Bytes> spki_;
};

class PrivateKey {
 public:
  // Takes a reference to |pkey|; the caller keeps its own.
  explicit PrivateKey(EVP_PKEY* pkey);
  PrivateKey(const PrivateKey&);
  PrivateKey& operator=(const PrivateKey&);
  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;
  ~PrivateKey();

  // Generate creates a fresh key from the system CSPRNG. RSA sizes other than
  // 2048/3072/4096 fail with kWeakParameter (< 2048) or kInvalidArgument.
  static absl::StatusOr<PrivateKey> Generate(const KeySpec& spec);

  // FromPem parses the first private key in |pem|: "PRIVATE KEY",
  // "ENCRYPTED PRIVATE KEY" (PBES2 with PBKDF2-HMAC-SHA1/224/256/384/512 and
  // AES-128/192/256-CBC or DES-EDE3-CBC; PBES1 MD5/SHA1 with DES; PKCS#12
  // PBE SHA1 with 3DES/RC2), "RSA PRIVATE KEY" and "EC PRIVATE KEY" (with or
  // without "Proc-Type: 4,ENCRYPTED" + DEK-Info). |password| is ignored for
  // unencrypted keys. A missing or wrong password fails with kBadPassword;
  // no key block or a damaged one fails with kMalformed.
  static absl::StatusOr<PrivateKey> FromPem(absl::string_view pem,
                                            absl::string_view password = {},
                                            const KeyPolicy& policy = {});
  // FromDer parses DER PKCS#8, EncryptedPrivateKeyInfo, PKCS#1 RSAPrivateKey
  // or SEC 1 ECPrivateKey, detected from the structure.
  static absl::StatusOr<PrivateKey> FromDer(absl::Span<const uint8_t> der,
                                            absl::string_view password = {},
                                            const KeyPolicy& policy = {});
  // Parse detects PEM (any "-----BEGIN" line: FromPem) or DER (FromDer).
  static absl::StatusOr<PrivateKey> Parse(absl::Span<const uint8_t> data,
                                          absl::string_view password = {},
                                          const KeyPolicy& policy = {});

  KeyType type() const;
  int bits() const;
  std::string Describe() const;
  PublicKey public_key() const;

  // ToDer/ToPem serialize the key unencrypted. ToEncryptedPkcs8Der/Pem write
  // an EncryptedPrivateKeyInfo (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC, random
  // 16-byte salt and IV). An empty password fails with kInvalidArgument.
  Bytes ToDer(KeyFormat format = KeyFormat::kPkcs8) const;
  std::string ToPem(KeyFormat format = KeyFormat::kPkcs8) const;
  absl::StatusOr<Bytes> ToEncryptedPkcs8Der(absl::string_view password,
                                            const KeyEncryption& enc = {}) const;
  absl::StatusOr<std::string> ToEncryptedPkcs8Pem(absl::string_view password,
                                                  const KeyEncryption& enc = {}) const;

  // Sign signs |data| with the key's default algorithm: SHA-256 for RSA
  // (PKCS#1 v1.5) and P-256, SHA-384 for P-384, SHA-512 for P-521, pure
  // Ed25519. ECDSA signatures are DER-encoded (X9.62 Ecdsa-Sig-Value).
  absl::StatusOr<Bytes> Sign(absl::Span<const uint8_t> data) const;

  // MatchesPublicKey reports whether |pub| is this key's public half.
  bool MatchesPublicKey(const PublicKey& pub) const;

  EVP_PKEY* native() const { return pkey_; }

 private:
  EVP_PKEY* pkey_;
  // The encoded public half (SPKI), shared by copies; set by Generate, null
  // for keys parsed or wrapped (encoded on demand).
  std::shared_ptr<const Bytes> spki_;
};

// DefaultDigest returns the digest certkit signs with for |key|: SHA-256,
// SHA-384 for P-384, SHA-512 for P-521, or nullptr (pure signature) for
// Ed25519.
const EVP_MD* DefaultDigest(const PrivateKey& key);

}  // namespace certkit

#endif  // CERTKIT_KEY_H_
