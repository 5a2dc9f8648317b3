// certkit/keytool.h: keytool's store operations, built on KeyStore.
//
// Each function does what the keytool command named in its comment does to a
// store in memory; the caller loads and saves the store (KeyStore::LoadFile,
// SaveFile). On any error the store is unchanged.
#ifndef CERTKIT_KEYTOOL_H_
#define CERTKIT_KEYTOOL_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "certkit/cert.h"
#include "certkit/csr.h"
#include "certkit/key.h"
#include "certkit/keystore.h"
#include "certkit/name.h"

namespace certkit {

// keytool -genkeypair's defaults, spelled out.
struct GenKeyPairOptions {
  std::string alias = "mykey";  // keytool's default alias
  DistinguishedName subject;    // -dname; required
  KeySpec key_spec;             // -keyalg/-keysize (RSA 2048 or EC P-256 as in JDK 17)
  int days = 90;                // -validity: keytool's default is 90 days
  std::vector<SubjectAltName> sans;  // -ext SAN=dns:...,ip:...
};

// GenerateKeyPairEntry generates a key and its self-signed certificate
// (SelfSignLikeKeytool: SKI and SANs only) and adds them as a private key
// entry (keytool -genkeypair). kAlreadyExists when the alias is taken,
// kInvalidArgument for an empty subject.
absl::Status GenerateKeyPairEntry(KeyStore& store, const GenKeyPairOptions& options);

// EntryPrivateKey returns the key of the private key entry |alias|:
// kNotFound (no such alias), kInvalidArgument (a trusted certificate entry),
// kBadKeyPassword (locked: its key password differs from the store's).
absl::StatusOr<PrivateKey> EntryPrivateKey(const KeyStore& store, absl::string_view alias);

// CertificateRequestForEntry makes a CSR for the private key entry |alias|
// (keytool -certreq): the subject of its certificate, signed with its key
// (SHA-256; SHA-384 for P-384), requesting the certificate's SANs plus
// |extra_sans|. Errors as EntryPrivateKey.
absl::StatusOr<CertificateRequest> CertificateRequestForEntry(
    const KeyStore& store, absl::string_view alias, const std::vector<SubjectAltName>& extra_sans = {});

// ExportChain returns the whole chain of |alias|, leaf first (keytool
// -exportcert of every certificate of -list -rfc); a trusted entry's chain
// is its one certificate. kNotFound for an unknown alias.
absl::StatusOr<std::vector<Certificate>> ExportChain(const KeyStore& store, absl::string_view alias);

// keytool -importkeystore's choices.
struct ImportKeyStoreOptions {
  std::optional<std::string> src_alias;   // -srcalias: import only this entry
  std::optional<std::string> dest_alias;  // -destalias: its new name (needs src_alias)
  bool overwrite = false;  // replace entries whose alias exists in |dest|
};

// ImportKeyStore copies the entries of |src| into |dest| (keytool
// -importkeystore into an existing store) and returns the aliases written,
// in |src|'s order. Entries keep their key, chain and creation date. Without
// |overwrite| an alias already in |dest| is kAlreadyExists naming it and
// nothing is copied. A locked source entry (key password differs from the
// source store's) is kBadKeyPassword naming it. kNotFound for an unknown
// src_alias; kInvalidArgument for dest_alias without src_alias.
absl::StatusOr<std::vector<std::string>> ImportKeyStore(KeyStore& dest, const KeyStore& src,
                                                        const ImportKeyStoreOptions& options = {});

// ImportTrustedCertificates adds |certs| as trusted entries (keytool
// -importcert -trustcacerts): one certificate becomes |alias|; a bundle of
// N > 1 becomes |alias|-1 .. |alias|-N in bundle order. All aliases are
// checked first: kAlreadyExists naming the first taken one, and nothing is
// added. Returns the aliases added. kInvalidArgument for an empty |certs|.
absl::StatusOr<std::vector<std::string>> ImportTrustedCertificates(KeyStore& store, absl::string_view alias,
                                                                   const std::vector<Certificate>& certs);

// SelectEntries returns a store holding only |aliases| of |store| (keytool
// -importkeystore -srcalias into a new store); kNotFound naming an unknown
// alias.
absl::StatusOr<KeyStore> SelectEntries(const KeyStore& store, const std::vector<std::string>& aliases);

}  // namespace certkit

#endif  // CERTKIT_KEYTOOL_H_
