// certkit/pkcs11.h: private keys held in a PKCS#11 token (an HSM, a smart
// card, SoftHSM2), named by a "pkcs11:" URI (RFC 7512).
//
// A token key is a PrivateKey like any other for signing: certificates,
// CSRs and CRLs signed with it go through the token's C_Sign, so the key
// never leaves the token. It is backed by a BoringSSL RSA_METHOD /
// ECDSA_METHOD (no OpenSSL engine or provider). What a token key cannot do
// is be written out: PrivateKey::ToDer/ToPem return nothing for it (see
// IsTokenKey).
#ifndef CERTKIT_PKCS11_H_
#define CERTKIT_PKCS11_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "certkit/ca.h"
#include "certkit/key.h"

namespace certkit {

// Pkcs11Uri is a parsed "pkcs11:" URI (RFC 7512). Every value is
// percent-decoded. Absent attributes match anything.
struct Pkcs11Uri {
  // Path attributes that select the token (CK_TOKEN_INFO) and the slot.
  std::optional<std::string> token;         // label
  std::optional<std::string> manufacturer;  // manufacturerID
  std::optional<std::string> serial;        // serialNumber
  std::optional<std::string> model;
  std::optional<unsigned long> slot_id;     // "slot-id" (decimal)
  // Path attributes that select the key object.
  std::optional<std::string> object;        // CKA_LABEL
  std::optional<std::string> id;            // CKA_ID (raw bytes)
  std::optional<std::string> type;          // "private" when given
  // Query attributes.
  std::optional<std::string> module_path;   // the module (.so) to load
  std::optional<std::string> pin_source;    // "file:PATH" or an absolute path
  std::optional<std::string> pin_value;     // the PIN itself (avoid)

  // Parse reads |text|. kInvalidArgument naming the part at fault when it
  // does not start with "pkcs11:", when an attribute is unknown (vendor
  // "x-" attributes included: certkit would not honour them, so it fails
  // closed) or not supported by certkit (library-*, slot-description,
  // slot-manufacturer, module-name), repeated, empty where a value is
  // needed, badly percent-encoded, or when |text| exceeds 4096 bytes
  // (kLimitExceeded). type= other than "private" is kInvalidArgument: a CA
  // key is a private key. Messages never contain pin-value.
  static absl::StatusOr<Pkcs11Uri> Parse(absl::string_view text);

  // Describe returns the URI's object-selecting part for messages, e.g.
  // "object='ca-ec' id=%01" (pin-value is never shown; control characters
  // are escaped). "any object" when neither is given.
  std::string DescribeObject() const;
};

// IsPkcs11Uri reports whether |text| names a token key ("pkcs11:" prefix,
// case-insensitive as URI schemes are).
bool IsPkcs11Uri(absl::string_view text);

// Where the module and the PIN come from when a token key is loaded. Each
// explicit value here wins over the URI's: module_path over the URI's
// module-path; pin over pin-value, which wins over pin-source.
struct Pkcs11Options {
  std::string module_path;         // empty: the URI's module-path (required then)
  std::optional<std::string> pin;  // the user PIN; absent: the URI's
};

// LoadPkcs11PrivateKey loads the module (dlopen; one C_Initialize per module
// per process, shared by every key loaded from it), finds the one token the
// URI matches, opens a session, logs in as the user with the PIN when the
// token needs a login, and finds the one private key the URI matches (RSA,
// or EC on P-256, P-384 or P-521) with its public half (CKA_MODULUS and
// CKA_PUBLIC_EXPONENT for RSA; for EC the CKA_EC_POINT of the public key
// object, or the certificate object, with the same CKA_ID). A test signature
// made through the token is verified with that public key, so a public
// object that does not belong to the private key fails here.
//
// The returned key owns the session and a reference to the module (closed
// and finalized when the last copy of the key, or of anything holding it,
// is gone). It may be used from many threads: signatures through one
// session are serialized with a mutex.
//
// Errors (never containing the PIN):
//   kNotFound      the module file does not exist; no token matches (the
//                  message lists the labels of the tokens present); no
//                  private key matches (naming the URI's object/id); no
//                  public key or certificate gives the EC point
//   kInvalidArgument  no module given; the file is not a PKCS#11 module; more
//                  than one token or key matches; the token needs a PIN and
//                  none was given
//   kBadPassword   "wrong PIN for token 'X'" (CKR_PIN_INCORRECT), a PIN of a
//                  length the token refuses, or "PIN of token 'X' is locked"
//   kUnsupported   a key type or curve certkit does not sign with
//   kIo            any other failure of the module, naming the C_ function
//                  and its CKR_ code
absl::StatusOr<PrivateKey> LoadPkcs11PrivateKey(const Pkcs11Uri& uri, const Pkcs11Options& options);

// IsTokenKey reports whether |key| lives in a PKCS#11 token (so it can sign
// but not be serialized).
bool IsTokenKey(const PrivateKey& key);

// TokenKeyDescription returns "token 'LABEL' object='x' id=%01" for a token
// key, for messages; empty for other keys.
std::string TokenKeyDescription(const PrivateKey& key);

// LoadCaWithPkcs11Key is LoadCa (certkit/ca_files.h) with the key in a
// token: reads the CA certificate (plus chain, or a ca.crt bundle during a
// rotation) from |cert_path| and loads the key from |uri|; the key must
// match the certificate and the certificate must be a CA (kKeyMismatch,
// kIssuerNotCa; CertificateAuthority::Load).
absl::StatusOr<CertificateAuthority> LoadCaWithPkcs11Key(const std::string& cert_path,
                                                         const Pkcs11Uri& uri,
                                                         const Pkcs11Options& options);

}  // namespace certkit

#endif  // CERTKIT_PKCS11_H_
