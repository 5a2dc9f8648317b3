#include <catch2/catch.hpp>

#include "certkit/error.h"
#include "support/oracle.h"
#include "util/pem_blocks.h"

using certkit::ErrorKind;
using certkit::GetErrorKind;

TEST_CASE("PEM blocks written by openssl are split with their labels", "[pem]") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  certkit_test::TempDir dir;
  certkit_test::ProcessResult key = certkit_test::Run(
      {"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
       "-out", dir.File("k.pem")});
  REQUIRE(key.exit_code == 0);
  certkit_test::ProcessResult der = certkit_test::Run(
      {"openssl", "pkcs8", "-topk8", "-nocrypt", "-in", dir.File("k.pem"), "-outform", "DER",
       "-out", dir.File("k.der")});
  REQUIRE(der.exit_code == 0);
  certkit_test::ProcessResult pub = certkit_test::Run(
      {"openssl", "pkey", "-in", dir.File("k.pem"), "-pubout", "-out", dir.File("pub.pem")});
  REQUIRE(pub.exit_code == 0);

  const std::string text = "comment line\n" + certkit_test::ReadString(dir.File("k.pem")) +
                           "Bag Attributes\n" + certkit_test::ReadString(dir.File("pub.pem"));
  absl::StatusOr<std::vector<certkit::pem::Block>> blocks = certkit::pem::Parse(text);
  REQUIRE(blocks.ok());
  REQUIRE(blocks->size() == 2);
  CHECK((*blocks)[0].label == "PRIVATE KEY");
  CHECK((*blocks)[0].der == certkit_test::ReadBytes(dir.File("k.der")));
  CHECK((*blocks)[1].label == "PUBLIC KEY");

  // Our encoding is read back by openssl.
  certkit_test::WriteString(dir.File("again.pem"), certkit::pem::Encode("PRIVATE KEY", (*blocks)[0].der));
  certkit_test::ProcessResult check =
      certkit_test::Run({"openssl", "pkey", "-in", dir.File("again.pem"), "-noout"});
  CHECK(check.exit_code == 0);
}

TEST_CASE("PEM headers of traditional encrypted keys are kept", "[pem]") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  certkit_test::TempDir dir;
  REQUIRE(certkit_test::Run({"openssl", "genrsa", "-traditional", "-aes256", "-passout",
                             "pass:hunter2", "-out", dir.File("k.pem"), "2048"})
              .exit_code == 0);
  absl::StatusOr<std::vector<certkit::pem::Block>> blocks =
      certkit::pem::Parse(certkit_test::ReadString(dir.File("k.pem")));
  REQUIRE(blocks.ok());
  REQUIRE(blocks->size() == 1);
  CHECK((*blocks)[0].label == "RSA PRIVATE KEY");
  CHECK((*blocks)[0].Header("Proc-Type") == "4,ENCRYPTED");
  CHECK((*blocks)[0].Header("dek-info").rfind("AES-256-CBC,", 0) == 0);
}

TEST_CASE("Damaged PEM is reported precisely", "[pem]") {
  const std::string good = certkit::pem::Encode("CERTIFICATE", std::vector<uint8_t>(100, 0x30));
  SECTION("truncated: no END line") {
    absl::StatusOr<std::vector<certkit::pem::Block>> r =
        certkit::pem::Parse(good.substr(0, good.size() / 2));
    CHECK(GetErrorKind(r.status()) == ErrorKind::kMalformed);
    CHECK(std::string(r.status().message()).find("truncated") != std::string::npos);
  }
  SECTION("mismatched END label") {
    std::string bad = good;
    bad.replace(bad.rfind("CERTIFICATE"), 11, "PRIVATE KEY");
    CHECK(GetErrorKind(certkit::pem::Parse(bad).status()) == ErrorKind::kMalformed);
  }
  SECTION("invalid base64") {
    std::string bad = good;
    bad[30] = '*';
    CHECK(GetErrorKind(certkit::pem::Parse(bad).status()) == ErrorKind::kMalformed);
  }
  SECTION("no blocks at all is not an error here") {
    absl::StatusOr<std::vector<certkit::pem::Block>> r = certkit::pem::Parse("hello\n");
    REQUIRE(r.ok());
    CHECK(r->empty());
  }
}

TEST_CASE("PEM of public bytes (table base64) equals the constant-time encoding", "[pem]") {
  // Every length from empty to seven lines and a bit, so each padding case
  // ('', '=', '==') lands at the end of a full and of a partial line.
  std::vector<uint8_t> der;
  for (size_t n = 0; n <= 400; ++n) {
    INFO("length " << n);
    const std::string pub = certkit::pem::EncodePublic("CERTIFICATE", der);
    CHECK(pub == certkit::pem::Encode("CERTIFICATE", der));
    if (n > 0) {  // (an empty body is not a block Parse accepts)
      auto blocks = certkit::pem::Parse(pub);
      REQUIRE(blocks.ok());
      REQUIRE(blocks->size() == 1);
      CHECK((*blocks)[0].der == der);
    }
    der.push_back(static_cast<uint8_t>(n * 151 + 7));
  }
}
