// certkit/error.h: the error model of the C++ core.
//
// Every fallible certkit function returns absl::Status or absl::StatusOr<T>.
// The status code is the nearest absl::StatusCode; on top of it every status
// certkit creates carries an ErrorKind payload, which names the problem class
// precisely (a wrong store password and a corrupted file are both
// "invalid argument" to abseil, but different ErrorKinds). The C ABI maps
// ErrorKind one-to-one onto CertkitError, so the numeric values are stable:
// never renumber, only append.
//
// Messages name the cause (file, alias, date, names) and never contain a
// password or key bytes.
#ifndef CERTKIT_ERROR_H_
#define CERTKIT_ERROR_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace certkit {

enum class ErrorKind : int {
  kOk = 0,
  kInvalidArgument = 1,     // caller passed something unusable (bad DN, bad option)
  kMalformed = 2,           // input bytes are not the expected format (truncated, garbage)
  kBadPassword = 3,         // wrong or missing password (store password for stores)
  kBadKeyPassword = 4,      // wrong per-key password inside a key store
  kIntegrity = 5,           // corrupted/tampered: MAC or digest mismatch with the right password
  kUnsupported = 6,         // well-formed but not supported (algorithm, entry type)
  kNotFound = 7,            // alias, entry, file not found
  kAlreadyExists = 8,       // alias or file exists and overwrite was not requested
  kKeyMismatch = 9,         // private key does not belong to the certificate
  kWeakParameter = 10,      // refused weak parameter (RSA < 2048, SHA-1, ...)
  kIo = 11,                 // file system error
  kLimitExceeded = 12,      // input exceeds a safety bound (iteration count, size, depth)
  // Chain verification failures.
  kCertExpired = 20,
  kCertNotYetValid = 21,
  kUnknownIssuer = 22,
  kBadSignature = 23,
  kIssuerNotCa = 24,
  kPathLengthExceeded = 25,
  kWrongPurpose = 26,       // keyUsage / extendedKeyUsage do not allow the purpose
  kIdentityMismatch = 27,   // the certificate does not name the expected host/IP/email
  kNameConstraints = 28,    // a name violates an issuer's name constraints
  kPolicyViolation = 29,    // any other profile rule (v1 CA, missing AKI, critical ext, ...)
  kCertRevoked = 30,        // listed by a CRL the caller supplied
  kTlsHandshake = 40,       // a TLS handshake failed
  kInternal = 99,
};

// ErrorKindName returns a short stable identifier such as "bad_password".
const char* ErrorKindName(ErrorKind kind);

// MakeError returns a status with the absl::StatusCode matching |kind|, the
// message |message|, and the ErrorKind payload set. |kind| must not be kOk.
absl::Status MakeError(ErrorKind kind, absl::string_view message);

// GetErrorKind returns the ErrorKind payload of |status|: kOk for an OK status,
// the payload when present, otherwise a kind derived from the status code (so
// statuses from abseil itself map sensibly).
ErrorKind GetErrorKind(const absl::Status& status);

// Annotate returns |status| with |context| prepended to its message ("context:
// message"), keeping the code and payloads. OK stays OK.
absl::Status Annotate(const absl::Status& status, absl::string_view context);

}  // namespace certkit

#endif  // CERTKIT_ERROR_H_
