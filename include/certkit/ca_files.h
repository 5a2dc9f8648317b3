// certkit/ca_files.h: reading certificates, private keys and a whole CA
// (certificate, chain and key) from files or PEM text. Errors name the file.
// (A CA held in a key store: KeyStore::LoadCa in certkit/keystore.h.)
#ifndef CERTKIT_CA_FILES_H_
#define CERTKIT_CA_FILES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "certkit/ca.h"
#include "certkit/cert.h"
#include "certkit/key.h"

namespace certkit {

// ReadCertificates reads every certificate of a PEM bundle, or one DER
// certificate, from |path|. kNotFound/kIo for the file, kMalformed for its
// contents.
absl::StatusOr<std::vector<Certificate>> ReadCertificates(const std::string& path);
// ReadCertificate reads the first certificate of |path|.
absl::StatusOr<Certificate> ReadCertificate(const std::string& path);

// ReadPrivateKey reads a PEM or DER private key from |path|, decrypting it
// with |password| when it is encrypted (kBadPassword when wrong or missing).
absl::StatusOr<PrivateKey> ReadPrivateKey(const std::string& path,
                                          absl::string_view password = {});

// ReadCaPrivateKey is ReadPrivateKey for a CA key: its errors name the
// "CA key file '<path>'" (kBadPassword for a wrong or missing password).
absl::StatusOr<PrivateKey> ReadCaPrivateKey(const std::string& path, absl::string_view password);

// CheckKeyFilePermissions fails with kInvalidArgument when the CA key file
// |path| is readable or writable by group or others (CockroachDB refuses
// such keys too); kNotFound when it does not exist. The message names the
// file and its mode.
absl::Status CheckKeyFilePermissions(const std::string& path);

// How certkit protects the CA keys it writes (`ca create`, `ca
// intermediate`, `cluster init`, `cluster rotate-ca` with a CA key
// password): an encrypted PKCS#8 "ENCRYPTED PRIVATE KEY" (RFC 5958) under
// PBES2 (RFC 8018) with PBKDF2-HMAC-SHA256, kCaKeyPbkdf2Iterations
// iterations and a random 16-byte salt, and AES-256-CBC with a random IV.
// The iteration count is the one OWASP recommends for PBKDF2-HMAC-SHA256
// (2023); loading the key costs one derivation (under 0.1 s on a core with
// SHA extensions), paid once per command. docs/SECURITY.md states it.
inline constexpr int kCaKeyPbkdf2Iterations = 600000;

// CaKeyPem returns |key| as certkit writes a CA key: encrypted as above with
// |password| when it is not empty, the unencrypted PKCS#8 "PRIVATE KEY"
// when it is (the caller decides; an empty password never means "encrypt
// with nothing"). Errors: those of PrivateKey::ToEncryptedPkcs8Pem.
absl::StatusOr<std::string> CaKeyPem(const PrivateKey& key, absl::string_view password);

// IsEncryptedKeyPem reports whether |pem| holds an encrypted private key
// (an "ENCRYPTED PRIVATE KEY" block, or a legacy PEM key with
// "Proc-Type: 4,ENCRYPTED"). Used to tell an operator whether a CA key
// file is protected; not a parser.
bool IsEncryptedKeyPem(absl::string_view pem);

// Where a CA lives on disk.
struct CaFiles {
  std::string cert_path;            // the CA certificate, optionally followed by its chain
  std::string key_path;             // its private key (PEM or DER)
  std::string key_password;         // for an encrypted key; empty = none
  bool allow_insecure_key = false;  // skip CheckKeyFilePermissions
};

// LoadCa reads the CA certificate (plus chain) and its key and builds a
// CertificateAuthority: the key must match the certificate and the
// certificate must be a CA (see CertificateAuthority::Load).
absl::StatusOr<CertificateAuthority> LoadCa(const CaFiles& files);

// LoadCaPem is LoadCa from PEM text: |cert_pem| holds the CA certificate
// followed by its chain (nearest issuer first), |key_pem| its key
// (decrypted with |key_password| when encrypted).
absl::StatusOr<CertificateAuthority> LoadCaPem(absl::string_view cert_pem, absl::string_view key_pem,
                                               absl::string_view key_password = {});

// CaFromBundle builds a CA from |certs| (the CA certificate first, then its
// chain) and its |key|: kInvalidArgument when |certs| is empty. When |certs|
// holds several certificates (a ca.crt bundle during a rotation), the CA is
// the one matching |key| and its chain what in |certs| issued it
// (PickCaForKey; kKeyMismatch naming the subjects when none matches).
absl::StatusOr<CertificateAuthority> CaFromBundle(std::vector<Certificate> certs,
                                                  const PrivateKey& key);

}  // namespace certkit

#endif  // CERTKIT_CA_FILES_H_
