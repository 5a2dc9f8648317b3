// Tests of lib/cluster pieces that need no peer: the manifest codec and the
// parallel runner. The pipelines themselves are tested end to end against
// openssl, keytool and PostgreSQL through the CLI (tests/cli).
#include <catch2/catch.hpp>

#include <atomic>

#include <nlohmann/json.hpp>

#include "certkit/error.h"
#include "certkit/manifest.h"
#include "cluster/parallel.h"
#include "support/oracle.h"

using namespace certkit;

TEST_CASE("manifest round trip and bad manifests") {
  Manifest m;
  m.created = m.updated = absl::FromUnixSeconds(1700000000);
  m.key_spec = "ec:p256";
  m.formats = {"pem", "jks"};
  m.store_password_source = "env:X";
  m.truststore_password_source = "env:X";
  m.ca.cert_file = "ca.crt";
  m.ca.key_file = "ca-private/ca.key";
  m.ca.not_after = absl::FromUnixSeconds(1900000000);
  LeafRecord n;
  n.name = "10.0.0.1";
  n.dir = "nodes/10.0.0.1";
  n.hosts = {"10.0.0.1"};
  n.serial = "0abc";
  n.not_after = absl::FromUnixSeconds(1800000000);
  n.files = {"ca.crt", "node.crt", "node.key"};
  m.nodes.push_back(n);
  auto back = ParseManifest(ManifestToJson(m));
  REQUIRE(back.ok());
  REQUIRE(back->nodes.size() == 1);
  CHECK(back->nodes[0].name == "10.0.0.1");
  CHECK(back->nodes[0].not_after == n.not_after);
  CHECK(back->HasFormat("jks"));
  CHECK_FALSE(back->HasFormat("p12"));

  nlohmann::json j = nlohmann::json::parse(ManifestToJson(m));
  j.erase("nodes");
  auto bad = ParseManifest(j.dump());
  REQUIRE_FALSE(bad.ok());
  CHECK(GetErrorKind(bad.status()) == ErrorKind::kMalformed);
  CHECK(std::string(bad.status().message()).find("nodes") != std::string::npos);

  j = nlohmann::json::parse(ManifestToJson(m));
  j["version"] = 7;
  CHECK(GetErrorKind(ParseManifest(j.dump()).status()) == ErrorKind::kUnsupported);

  certkit_test::TempDir dir;
  certkit_test::WriteString(dir.File("manifest.json"), "{not json");
  auto loaded = LoadManifest(dir.path());
  REQUIRE_FALSE(loaded.ok());
  CHECK(GetErrorKind(loaded.status()) == ErrorKind::kMalformed);
  CHECK(std::string(loaded.status().message()).find("manifest.json") != std::string::npos);
}

TEST_CASE("ForEachParallel runs every item and reports the first error") {
  std::atomic<int> count{0};
  absl::Status s = ForEachParallel(100, 4, nullptr, [&](size_t) {
    ++count;
    return absl::OkStatus();
  });
  CHECK(s.ok());
  CHECK(count == 100);
  s = ForEachParallel(10, 3, nullptr, [&](size_t i) {
    return i == 3 ? certkit::MakeError(ErrorKind::kIo, "item 3") : absl::OkStatus();
  });
  CHECK(GetErrorKind(s) == ErrorKind::kIo);
  CHECK(s.message() == "item 3");
}
