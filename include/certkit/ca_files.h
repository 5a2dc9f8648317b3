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

// CheckKeyFilePermissions fails with kInvalidArgument when the CA key file
// |path| is readable or writable by group or others (CockroachDB refuses
// such keys too); kNotFound when it does not exist. The message names the
// file and its mode.
absl::Status CheckKeyFilePermissions(const std::string& path);

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
