#include "certkit/error.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace certkit {
namespace {

constexpr absl::string_view kKindPayloadUrl = "type.certkit.dev/certkit.ErrorKind";

absl::StatusCode CodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kOk:
      return absl::StatusCode::kOk;
    case ErrorKind::kInvalidArgument:
    case ErrorKind::kMalformed:
    case ErrorKind::kKeyMismatch:
    case ErrorKind::kWeakParameter:
      return absl::StatusCode::kInvalidArgument;
    case ErrorKind::kBadPassword:
    case ErrorKind::kBadKeyPassword:
      return absl::StatusCode::kPermissionDenied;
    case ErrorKind::kIntegrity:
      return absl::StatusCode::kDataLoss;
    case ErrorKind::kUnsupported:
      return absl::StatusCode::kUnimplemented;
    case ErrorKind::kNotFound:
      return absl::StatusCode::kNotFound;
    case ErrorKind::kAlreadyExists:
      return absl::StatusCode::kAlreadyExists;
    case ErrorKind::kIo:
      return absl::StatusCode::kUnavailable;
    case ErrorKind::kLimitExceeded:
      return absl::StatusCode::kResourceExhausted;
    case ErrorKind::kCertExpired:
    case ErrorKind::kCertNotYetValid:
    case ErrorKind::kUnknownIssuer:
    case ErrorKind::kBadSignature:
    case ErrorKind::kIssuerNotCa:
    case ErrorKind::kPathLengthExceeded:
    case ErrorKind::kWrongPurpose:
    case ErrorKind::kIdentityMismatch:
    case ErrorKind::kNameConstraints:
    case ErrorKind::kPolicyViolation:
    case ErrorKind::kCertRevoked:
    case ErrorKind::kTlsHandshake:
      return absl::StatusCode::kFailedPrecondition;
    case ErrorKind::kInternal:
      return absl::StatusCode::kInternal;
  }
  return absl::StatusCode::kUnknown;
}

}  // namespace

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kOk: return "ok";
    case ErrorKind::kInvalidArgument: return "invalid_argument";
    case ErrorKind::kMalformed: return "malformed";
    case ErrorKind::kBadPassword: return "bad_password";
    case ErrorKind::kBadKeyPassword: return "bad_key_password";
    case ErrorKind::kIntegrity: return "integrity";
    case ErrorKind::kUnsupported: return "unsupported";
    case ErrorKind::kNotFound: return "not_found";
    case ErrorKind::kAlreadyExists: return "already_exists";
    case ErrorKind::kKeyMismatch: return "key_mismatch";
    case ErrorKind::kWeakParameter: return "weak_parameter";
    case ErrorKind::kIo: return "io";
    case ErrorKind::kLimitExceeded: return "limit_exceeded";
    case ErrorKind::kCertExpired: return "cert_expired";
    case ErrorKind::kCertNotYetValid: return "cert_not_yet_valid";
    case ErrorKind::kUnknownIssuer: return "unknown_issuer";
    case ErrorKind::kBadSignature: return "bad_signature";
    case ErrorKind::kIssuerNotCa: return "issuer_not_ca";
    case ErrorKind::kPathLengthExceeded: return "path_length_exceeded";
    case ErrorKind::kWrongPurpose: return "wrong_purpose";
    case ErrorKind::kIdentityMismatch: return "identity_mismatch";
    case ErrorKind::kNameConstraints: return "name_constraints";
    case ErrorKind::kPolicyViolation: return "policy_violation";
    case ErrorKind::kCertRevoked: return "cert_revoked";
    case ErrorKind::kTlsHandshake: return "tls_handshake";
    case ErrorKind::kInternal: return "internal";
  }
  return "unknown";
}

absl::Status MakeError(ErrorKind kind, absl::string_view message) {
  if (kind == ErrorKind::kOk) kind = ErrorKind::kInternal;
  absl::Status status(CodeFor(kind), message);
  status.SetPayload(kKindPayloadUrl, absl::Cord(absl::StrCat(static_cast<int>(kind))));
  return status;
}

ErrorKind GetErrorKind(const absl::Status& status) {
  if (status.ok()) return ErrorKind::kOk;
  if (absl::optional<absl::Cord> payload = status.GetPayload(kKindPayloadUrl)) {
    int value = 0;
    if (absl::SimpleAtoi(std::string(*payload), &value)) return static_cast<ErrorKind>(value);
  }
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument: return ErrorKind::kInvalidArgument;
    case absl::StatusCode::kNotFound: return ErrorKind::kNotFound;
    case absl::StatusCode::kAlreadyExists: return ErrorKind::kAlreadyExists;
    case absl::StatusCode::kPermissionDenied: return ErrorKind::kBadPassword;
    case absl::StatusCode::kUnimplemented: return ErrorKind::kUnsupported;
    case absl::StatusCode::kDataLoss: return ErrorKind::kIntegrity;
    case absl::StatusCode::kResourceExhausted: return ErrorKind::kLimitExceeded;
    case absl::StatusCode::kUnavailable: return ErrorKind::kIo;
    default: return ErrorKind::kInternal;
  }
}

absl::Status Annotate(const absl::Status& status, absl::string_view context) {
  if (status.ok()) return status;
  absl::Status out(status.code(), absl::StrCat(context, ": ", status.message()));
  status.ForEachPayload([&out](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
}

}  // namespace certkit
