// Tests of certkit_cli_lib pieces that need no peer: password sources,
// durations and times, CA key file permissions.
#include <catch2/catch.hpp>
#include <stdlib.h>
#include <sys/stat.h>

#include "certkit/error.h"
#include "common.h"
#include "password.h"
#include "support/oracle.h"

using certkit::ErrorKind;
using certkit::GetErrorKind;
using namespace certkit_cli;

TEST_CASE("password sources: pass, env, file, none, insecure default") {
  PasswordRequest req;
  req.spec = "pass:s3cret";
  auto p = ResolvePassword(req);
  REQUIRE(p.ok());
  CHECK(p->value == "s3cret");
  CHECK(p->source == "pass");

  setenv("CERTKIT_TEST_PW", "from-env", 1);
  req.spec = "env:CERTKIT_TEST_PW";
  p = ResolvePassword(req);
  REQUIRE(p.ok());
  CHECK(p->value == "from-env");
  CHECK(p->source == "env:CERTKIT_TEST_PW");

  req.spec = "env:CERTKIT_TEST_PW_UNSET_XYZ";
  p = ResolvePassword(req);
  REQUIRE_FALSE(p.ok());
  CHECK(GetErrorKind(p.status()) == ErrorKind::kNotFound);
  CHECK(std::string(p.status().message()).find("CERTKIT_TEST_PW_UNSET_XYZ") != std::string::npos);

  certkit_test::TempDir dir;
  certkit_test::WriteString(dir.File("pw"), "from-file\nsecond line\n");
  req.spec = "file:" + dir.File("pw");
  p = ResolvePassword(req);
  REQUIRE(p.ok());
  CHECK(p->value == "from-file");

  req.spec = "file:" + dir.File("missing");
  p = ResolvePassword(req);
  REQUIRE_FALSE(p.ok());
  CHECK(GetErrorKind(p.status()) == ErrorKind::kNotFound);

  // A bare password without a scheme is refused and not echoed.
  req.spec = "hunter2";
  p = ResolvePassword(req);
  REQUIRE_FALSE(p.ok());
  CHECK(GetErrorKind(p.status()) == ErrorKind::kInvalidArgument);
  CHECK(std::string(p.status().message()).find("hunter2") == std::string::npos);

  req.spec = "";
  req.allow_insecure_default = true;
  p = ResolvePassword(req);
  REQUIRE(p.ok());
  CHECK(p->value == "changeit");
  CHECK(p->source == "insecure-default");

  req.allow_insecure_default = false;
  req.required = false;
  p = ResolvePassword(req);
  REQUIRE(p.ok());
  CHECK(p->value.empty());
}

TEST_CASE("ParseWindow and RFC 3339 times") {
  CHECK(*ParseWindow("30d") == absl::Hours(24 * 30));
  CHECK(*ParseWindow("2w") == absl::Hours(24 * 14));
  CHECK(*ParseWindow("12h") == absl::Hours(12));
  CHECK(GetErrorKind(ParseWindow("soon").status()) == ErrorKind::kInvalidArgument);
  CHECK(GetErrorKind(ParseWindow("-3d").status()) == ErrorKind::kInvalidArgument);
  auto t = ParseRfc3339("2030-01-02T03:04:05Z");
  REQUIRE(t.ok());
  CHECK(FormatRfc3339(*t) == "2030-01-02T03:04:05Z");
  CHECK(GetErrorKind(ParseRfc3339("yesterday").status()) == ErrorKind::kInvalidArgument);
}

TEST_CASE("CheckKeyFilePermissions refuses group/other-readable keys") {
  certkit_test::TempDir dir;
  const std::string key = dir.File("ca.key");
  certkit_test::WriteString(key, "x");
  REQUIRE(chmod(key.c_str(), 0600) == 0);
  CHECK(CheckKeyFilePermissions(key).ok());
  REQUIRE(chmod(key.c_str(), 0640) == 0);
  absl::Status s = CheckKeyFilePermissions(key);
  CHECK(GetErrorKind(s) == ErrorKind::kInvalidArgument);
  CHECK(std::string(s.message()).find(key) != std::string::npos);
  CHECK(std::string(s.message()).find("0640") != std::string::npos);
}
