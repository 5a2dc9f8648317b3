#include <catch2/catch.hpp>

#include "certkit/error.h"

using certkit::ErrorKind;

TEST_CASE("ErrorKind survives as a payload and through Annotate", "[error]") {
  absl::Status s = certkit::MakeError(ErrorKind::kBadKeyPassword, "alias 'node': wrong key password");
  CHECK(s.code() == absl::StatusCode::kPermissionDenied);
  CHECK(certkit::GetErrorKind(s) == ErrorKind::kBadKeyPassword);
  absl::Status a = certkit::Annotate(s, "keystore.jks");
  CHECK(certkit::GetErrorKind(a) == ErrorKind::kBadKeyPassword);
  CHECK(a.message() == "keystore.jks: alias 'node': wrong key password");
  CHECK(certkit::Annotate(absl::OkStatus(), "x").ok());
}

TEST_CASE("Statuses without a payload map by code", "[error]") {
  CHECK(certkit::GetErrorKind(absl::OkStatus()) == ErrorKind::kOk);
  CHECK(certkit::GetErrorKind(absl::NotFoundError("x")) == ErrorKind::kNotFound);
  CHECK(certkit::GetErrorKind(absl::InternalError("x")) == ErrorKind::kInternal);
  CHECK(std::string(certkit::ErrorKindName(ErrorKind::kCertExpired)) == "cert_expired");
}

TEST_CASE("Kinds know their category and description (lib/util/errors.def)", "[error]") {
  // kCertRevoked was once left out of the verification range by hand.
  CHECK(certkit::ErrorKindCategory(ErrorKind::kCertRevoked) == certkit::ErrorCategory::kVerification);
  CHECK(std::string(certkit::ErrorCategoryName(certkit::ErrorCategory::kVerification)) ==
        "verification");
  CHECK(certkit::ErrorKindCategory(ErrorKind::kBadKeyPassword) == certkit::ErrorCategory::kKeystore);
  CHECK(certkit::ErrorKindCategory(ErrorKind::kOk) == certkit::ErrorCategory::kNone);
  CHECK(std::string(certkit::ErrorKindDescription(ErrorKind::kBadPassword)) ==
        "wrong or missing password");
  const auto not_a_kind = static_cast<ErrorKind>(77);
  CHECK(std::string(certkit::ErrorKindName(not_a_kind)) == "unknown");
  CHECK(std::string(certkit::ErrorKindDescription(not_a_kind)) == "unknown error");
  CHECK(certkit::ErrorKindCategory(not_a_kind) == certkit::ErrorCategory::kNone);
  CHECK(certkit::MakeError(ErrorKind::kCertRevoked, "x").code() ==
        absl::StatusCode::kFailedPrecondition);
}
