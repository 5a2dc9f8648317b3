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
