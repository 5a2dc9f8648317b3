// certkit/keystore.h: key stores and trust stores (JKS, JCEKS, PKCS#12, PEM).
//
// A KeyStore is an in-memory, format-neutral set of entries. Load() reads any
// supported format (detected from the bytes unless told), Save() writes one.
// Files: LoadFile()/SaveFile() (atomic: temp file in the same directory,
// fsync, rename; key-bearing files created 0600).
//
// Aliases follow the JDK: stored lower-cased with Locale.ENGLISH semantics
// (Unicode lower-casing, including non-ASCII) and looked up
// case-insensitively.
#ifndef CERTKIT_KEYSTORE_H_
#define CERTKIT_KEYSTORE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "certkit/ca.h"
#include "certkit/cert.h"
#include "certkit/key.h"

namespace certkit {

enum class StoreFormat { kAuto, kJks, kJceks, kPkcs12, kPem };

// ParseStoreFormat accepts "jks", "jceks", "pkcs12"/"p12"/"pfx", "pem"
// (case-insensitive). FormatName returns "JKS", "JCEKS", "PKCS12", "PEM".
absl::StatusOr<StoreFormat> ParseStoreFormat(absl::string_view name);
const char* StoreFormatName(StoreFormat format);

// DetectStoreFormat looks at magic numbers, DER shape and PEM armor.
// kMalformed when the bytes are none of the formats.
absl::StatusOr<StoreFormat> DetectStoreFormat(absl::Span<const uint8_t> data);

struct KeyStoreEntry {
  enum class Type { kPrivateKey, kTrustedCert };
  Type type = Type::kTrustedCert;
  std::string alias;        // lower-cased
  absl::Time creation_date = absl::UnixEpoch();
  // kPrivateKey: the key, or nullopt while it is still locked (its key
  // password differs from the one used at load; see KeyStore::UnlockKey).
  std::optional<PrivateKey> key;
  // kPrivateKey: leaf first, then its issuers. kTrustedCert: exactly one.
  std::vector<Certificate> chain;

  bool is_key() const { return type == Type::kPrivateKey; }
  bool locked() const { return is_key() && !key.has_value(); }
  const Certificate& certificate() const { return chain.front(); }
  // UnlockedKey returns the key of a key entry: kInvalidArgument for a
  // trusted certificate entry, kBadKeyPassword while the key is locked.
  absl::StatusOr<PrivateKey> UnlockedKey() const;
};

struct LoadOptions {
  StoreFormat format = StoreFormat::kAuto;
  // Password for private keys when it differs from the store password (JKS
  // keypass). Keys that do not open with it stay locked instead of failing
  // the load.
  std::optional<std::string> key_password;
  // PKCS#12 without a MAC (integrity unchecked) loads when this is set, or
  // when the file holds certificates only (no key bag, no encrypted content:
  // a passwordless trust store) and |password| is empty. A MAC-less file
  // loaded with a non-empty password is kIntegrity: the caller expects a
  // password-protected file, and a MAC stripped by an attacker must not pass
  // for one. See docs/SECURITY.md.
  bool allow_missing_mac = false;
  // JKS and JCEKS (keytool -list without a password): load a store that
  // holds trusted certificates only without checking its integrity digest,
  // which needs the store password; |password| is then not used. A store
  // with a key entry is kBadPassword; a PKCS#12 store with a MAC is
  // kInvalidArgument (its MAC and encrypted bags need the password), one
  // without (a passwordless trust store) loads as with an empty password. PEM stores have no
  // integrity check and load as usual.
  bool skip_integrity_check = false;
  // Upper bound on each KDF iteration count found in the file
  // (kLimitExceeded).
  int max_iterations = 10'000'000;
  // Upper bound on the KDF iterations one load may spend in total, across
  // the PKCS#12 MAC, every encrypted bag and key, and retries with the key
  // password (kLimitExceeded, before the derivation that would pass it).
  // A PKCS#12 PBE derivation counts twice (key and IV), a JCEKS key too (two
  // MD5 chains). See docs/SECURITY.md.
  int64_t max_total_iterations = 20'000'000;
};

// The algorithm sets a PKCS#12 file can be written with (the table is in
// lib/keystore/pkcs12_profiles.cc; docs/SECURITY.md lists which peer reads
// which):
//  * kModern ("modern", the default): keys and certificates under PBES2
//    (PBKDF2-HMAC-SHA256, AES-256-CBC), HMAC-SHA256 MAC keyed with the RFC
//    7292 KDF. The JDK 17 and OpenSSL 3 default.
//  * kModern2026 ("modern2026"): PBES2 AES-256 as kModern, and a PBMAC1 MAC
//    (RFC 9579: PBKDF2-HMAC-SHA256 key, HMAC-SHA256). Read by OpenSSL 3.4
//    and later (pyca/cryptography's wheels); not by OpenSSL 3.0 or Java 17.
//  * kLegacy ("legacy"): PBEWithSHA1AndDESede keys, RC2-40 certificates,
//    HMAC-SHA1 MAC: for Java 8 before 8u301 and OpenSSL 1.x.
//  * kPasswordlessTruststore ("passwordless-truststore"): certificates in a
//    plain data ContentInfo, no MAC, no password (keytool with
//    keystore.pkcs12.certProtectionAlgorithm=NONE and macAlgorithm=NONE,
//    trust-manager's output; Java 18+ reads it with no password). Writing a
//    store that holds a private key in it is kInvalidArgument.
enum class Pkcs12Profile { kModern, kModern2026, kLegacy, kPasswordlessTruststore };

// ParsePkcs12Profile accepts the names above (case-insensitive);
// kInvalidArgument naming the name given and the valid ones otherwise.
absl::StatusOr<Pkcs12Profile> ParsePkcs12Profile(absl::string_view name);
// Pkcs12ProfileName returns the name above ("modern", ...); static storage.
const char* Pkcs12ProfileName(Pkcs12Profile profile);
// Pkcs12ProfileNames lists every name, "modern|modern2026|..." (help texts).
std::string Pkcs12ProfileNames();

struct SaveOptions {
  // PKCS#12: the algorithm set (see Pkcs12Profile).
  Pkcs12Profile pkcs12_profile = Pkcs12Profile::kModern;
  // PKCS#12: deprecated spelling of pkcs12_profile = kLegacy, still honoured:
  // true with pkcs12_profile kModern or kLegacy writes kLegacy; true with any
  // other profile is kInvalidArgument (two different requests).
  bool pkcs12_legacy = false;
  int pkcs12_iterations = 10000;
  // PKCS#12: encrypt the certificate bags (the JDK's default; the
  // passwordless-truststore profile never does). Off writes
  // them in a plain data ContentInfo, like OpenSSL's `-certpbe NONE`:
  // certificates are public, keytool and OpenSSL read such stores, and one
  // of the store's three key derivations is saved. The MAC still covers
  // them; keys are always encrypted.
  bool pkcs12_encrypt_certs = true;
  // JKS: per-alias key password overriding the store password.
  std::map<std::string, std::string> key_passwords;
  // PEM: encrypt keys with the store password (PBES2 AES-256-CBC); when the
  // password is empty keys are written unencrypted.
  bool pem_encrypt_keys = true;
  // SaveFile only: when false an existing file is kAlreadyExists (naming
  // it) and left untouched. Atomic: the new file is linked into place with
  // link(2), which fails if the name exists, so there is no window between a
  // check and the write.
  bool overwrite = true;
};

// One line of KeyStore::List().
struct EntrySummary {
  std::string alias;
  absl::Time creation_date;
  KeyStoreEntry::Type type;
  std::string sha256_fingerprint;  // of the (leaf) certificate
  std::string subject;             // RFC 4514
  absl::Time not_after;            // of the (leaf) certificate
  size_t chain_length = 0;
  bool locked = false;
};

class KeyStore {
 public:
  KeyStore() = default;

  // NormalizeAlias lower-cases like Java's toLowerCase(Locale.ENGLISH).
  static std::string NormalizeAlias(absl::string_view alias);

  // Load parses |data|. Errors: kBadPassword (wrong store password),
  // kIntegrity (MAC/digest mismatch although the password is right, i.e.
  // corrupted), kMalformed (truncated, bad structure, trailing garbage),
  // kUnsupported (e.g. JCEKS secret-key entries, unknown algorithms),
  // kLimitExceeded (absurd iteration counts or lengths), kInvalidArgument
  // (duplicate aliases).
  static absl::StatusOr<KeyStore> Load(absl::Span<const uint8_t> data,
                                       absl::string_view password,
                                       const LoadOptions& options = {});
  static absl::StatusOr<KeyStore> LoadFile(const std::string& path,
                                           absl::string_view password,
                                           const LoadOptions& options = {});

  // Save serializes into |format| (not kAuto; JCEKS is read-only:
  // kUnsupported). Locked entries can only be written back to JKS.
  absl::StatusOr<Bytes> Save(StoreFormat format, absl::string_view password,
                             const SaveOptions& options = {}) const;
  // SaveFile writes atomically; mode 0600 when the store holds a private key,
  // 0644 otherwise. The original file survives any failure.
  absl::Status SaveFile(const std::string& path, StoreFormat format,
                        absl::string_view password, const SaveOptions& options = {}) const;

  // The format the store was loaded from (kAuto for a new store).
  StoreFormat source_format() const { return source_format_; }

  const std::vector<KeyStoreEntry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  // Find returns the entry for |alias| (case-insensitive) or nullptr.
  const KeyStoreEntry* Find(absl::string_view alias) const;
  std::vector<EntrySummary> List() const;

  // SetKeyEntry adds or replaces a private key entry. |chain| is leaf first
  // and its leaf must match |key| (kKeyMismatch). |date| defaults to now.
  absl::Status SetKeyEntry(absl::string_view alias, const PrivateKey& key,
                           std::vector<Certificate> chain,
                           absl::Time date = absl::InfinitePast());
  // AddTrustedCert adds a trusted certificate entry (keytool -importcert).
  // kAlreadyExists if the alias exists.
  absl::Status AddTrustedCert(absl::string_view alias, const Certificate& cert,
                              absl::Time date = absl::InfinitePast());
  // ImportCaReply installs a CA reply (one cert or a chain) into the private
  // key entry |alias|, as keytool -importcert does for a key entry: the
  // reply's leaf must carry the entry's public key (kKeyMismatch otherwise),
  // and the chain is completed up to a root from the reply itself and the
  // store's trusted certificates (kUnknownIssuer if it cannot be). On any
  // error the store is unchanged.
  absl::Status ImportCaReply(absl::string_view alias, const std::vector<Certificate>& reply);
  // Delete removes |alias| (kNotFound).
  absl::Status Delete(absl::string_view alias);
  // Rename moves |from| to |to| (kNotFound / kAlreadyExists).
  absl::Status Rename(absl::string_view from, absl::string_view to);
  // UnlockKey decrypts a locked key entry with |key_password|
  // (kBadKeyPassword when wrong).
  absl::Status UnlockKey(absl::string_view alias, absl::string_view key_password);
  // ExportCertificate returns the (leaf) certificate of |alias|.
  absl::StatusOr<Certificate> ExportCertificate(absl::string_view alias) const;
  // Merge copies every entry of |other| (keytool -importkeystore); an alias
  // clash is kAlreadyExists unless |overwrite|.
  absl::Status Merge(const KeyStore& other, bool overwrite = false);
  // ExpiringWithin lists entries whose (leaf) certificate's notAfter is
  // before |now| + |window|.
  std::vector<EntrySummary> ExpiringWithin(absl::Duration window,
                                           absl::Time now = absl::Now()) const;
  // TrustedCertificates returns every trusted entry's certificate.
  std::vector<Certificate> TrustedCertificates() const;
  // TrustAnchors returns what Java's trust managers trust when handed this
  // store (TrustManagerFactory.init(KeyStore)): every trusted entry's
  // certificate plus the leaf certificate of every key entry. kNotFound when
  // the store holds no certificate at all.
  absl::StatusOr<std::vector<Certificate>> TrustAnchors() const;
  // Entry returns the entry |alias| (case-insensitive), kNotFound naming
  // the alias when there is none.
  absl::StatusOr<const KeyStoreEntry*> Entry(absl::string_view alias) const;
  // KeyEntry returns the key entry |alias|: kNotFound naming a missing
  // alias, kInvalidArgument for a trusted certificate entry.
  absl::StatusOr<const KeyStoreEntry*> KeyEntry(absl::string_view alias) const;
  // SoleKeyEntry returns the store's only key entry, the one a TLS endpoint
  // or CA uses when no alias is named: kNotFound when there is none,
  // kInvalidArgument naming the aliases when there are several.
  absl::StatusOr<const KeyStoreEntry*> SoleKeyEntry() const;
  // SelectKeyEntry is KeyEntry(*alias) when an alias is given, SoleKeyEntry()
  // otherwise: how an endpoint or CA picks its key from a store.
  absl::StatusOr<const KeyStoreEntry*> SelectKeyEntry(std::optional<absl::string_view> alias) const;
  // LoadCa builds a CertificateAuthority from the key entry SelectKeyEntry
  // picks (the entry's chain is the CA's chain). Errors as SelectKeyEntry,
  // KeyStoreEntry::UnlockedKey and CertificateAuthority::Load.
  absl::StatusOr<CertificateAuthority> LoadCa(std::optional<absl::string_view> alias) const;
  // HasPrivateKeys reports whether any entry is a key entry.
  bool HasPrivateKeys() const;

 private:
  // The format codecs (lib/keystore) fill stores through KeyStoreAccess
  // (lib/keystore/keystore_access.h).
  friend struct KeyStoreAccess;

  std::vector<KeyStoreEntry> entries_;
  // alias -> JKS-protected key bytes for locked entries.
  std::map<std::string, Bytes> locked_keys_;
  StoreFormat source_format_ = StoreFormat::kAuto;
};

}  // namespace certkit

#endif  // CERTKIT_KEYSTORE_H_
