// tests/core/spiffe_test.cc: SPIFFE ID and --spiffe-id template checks
// (certkit/spiffe.h), rule by rule of SPIFFE-ID.md.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "certkit/error.h"
#include "certkit/identities.h"
#include "certkit/spiffe.h"

namespace {

// Refused: kInvalidArgument whose message holds |why|.
void Refused(const std::string& id, const std::string& why) {
  const absl::Status s = certkit::ValidateSpiffeId(id);
  INFO(id << " -> " << s);
  CHECK(certkit::GetErrorKind(s) == certkit::ErrorKind::kInvalidArgument);
  CHECK(absl::StrContains(s.message(), why));
}

}  // namespace

TEST_CASE("SPIFFE IDs: what the spec allows") {
  for (const char* id : {"spiffe://cluster.example", "spiffe://cluster.example/cassandra/app",
                         "spiffe://a-b_c.9/A.b-C_d/x", "spiffe://x/..a/.b./c..d"}) {
    INFO(id);
    CHECK(certkit::ValidateSpiffeId(id).ok());
  }
  CHECK(certkit::SpiffeTrustDomain("spiffe://td.example/a/b") == "td.example");
  CHECK(certkit::SpiffeTrustDomain("https://td.example/a") == "");
  CHECK(certkit::IsSpiffeId("SPIFFE://x"));
  CHECK_FALSE(certkit::IsSpiffeId("https://x"));
  // 2048 bytes exactly is accepted, one more refused.
  std::string longest = "spiffe://td/" + std::string(2048 - 12, 'a');
  CHECK(certkit::ValidateSpiffeId(longest).ok());
  Refused(longest + "a", "longer than 2048 bytes (2049)");
  CHECK(certkit::ValidateSpiffeId("spiffe://" + std::string(255, 'a')).ok());
  Refused("spiffe://" + std::string(256, 'a'), "trust domain is longer than 255 bytes");
}

TEST_CASE("SPIFFE IDs: each rule refused with its reason") {
  Refused("https://cluster.example/x", "does not start with 'spiffe://'");
  Refused("SPIFFE://cluster.example/x", "scheme must be lowercase");
  Refused("spiffe:cluster.example", "does not start with 'spiffe://'");
  Refused("spiffe://", "trust domain is empty");
  Refused("spiffe:///x", "trust domain is empty");
  Refused("spiffe://Cluster.example/x", "trust domain must be lowercase ('C') at byte 9");
  Refused("spiffe://cluster.example:8443/x", "has a port (':')");
  Refused("spiffe://user@cluster.example/x", "has userinfo ('@')");
  Refused("spiffe://cluster.example?x=1", "a query ('?')");
  Refused("spiffe://cluster.example/x?y", "a query ('?')");
  Refused("spiffe://cluster.example/x#f", "a fragment ('#')");
  Refused("spiffe://cluster.example/", "the path ends with '/'");
  Refused("spiffe://cluster.example/a/", "the path ends with '/'");
  Refused("spiffe://cluster.example//a", "empty path segment ('//')");
  Refused("spiffe://cluster.example/a/./b", "path segment '.' at byte 27");
  Refused("spiffe://cluster.example/..", "path segment '..'");
  Refused("spiffe://cluster.example/a%20b", "percent-encoding");
  Refused("spiffe://cluster.example/a@b", "'@' at byte 26 is not allowed in a path segment");
  Refused("spiffe://cluster.example/a b", "' ' at byte 26");
  Refused("spiffe://clu$ter/x", "'$' is not allowed in a trust domain");
  // A control character is shown escaped, never raw.
  const absl::Status s = certkit::ValidateSpiffeId("spiffe://cluster.example/a\x1b[31m");
  CHECK_FALSE(s.ok());
  CHECK_FALSE(absl::StrContains(s.message(), "\x1b"));
}

TEST_CASE("SPIFFE ID templates: placeholders in the path, each expanded") {
  CHECK(certkit::ValidateSpiffeIdTemplate("spiffe://cluster.example/cassandra/{role}").ok());
  CHECK(certkit::ValidateSpiffeIdTemplate("spiffe://cluster.example/{kind}/{name}").ok());
  CHECK(certkit::ValidateSpiffeIdTemplate("spiffe://cluster.example/fixed").ok());
  auto id = certkit::ExpandSpiffeId("spiffe://cluster.example/cassandra/{kind}/{role}", "client", "app");
  REQUIRE(id.ok());
  CHECK(*id == "spiffe://cluster.example/cassandra/client/app");
  id = certkit::ExpandSpiffeId("spiffe://c.example/db-{name}", "node", "10.0.0.1");
  REQUIRE(id.ok());
  CHECK(*id == "spiffe://c.example/db-10.0.0.1");

  auto refused = [](const std::string& tmpl, const std::string& why) {
    const absl::Status s = certkit::ValidateSpiffeIdTemplate(tmpl);
    INFO(tmpl << " -> " << s);
    CHECK(certkit::GetErrorKind(s) == certkit::ErrorKind::kInvalidArgument);
    CHECK(absl::StrContains(s.message(), why));
  };
  refused("spiffe://c.example/{user}", "unknown placeholder {user} at byte 19");
  refused("spiffe://c.example/{role", "'{' at byte 19 is not closed");
  refused("spiffe://c.example/{ro{le}", "'{' at byte 19 is not closed");
  refused("spiffe://c.example/role}", "'}' at byte 23 closes no placeholder");
  refused("spiffe://{name}.example/x", "placeholder {name} at byte 9 is not in the path");
  refused("spiffe://c.example:1/{role}", "has a port");
  refused("spiffe://c.example/{role}/", "the path ends with '/'");

  // A name that makes an invalid ID is refused naming the leaf.
  auto bad = certkit::ExpandSpiffeId("spiffe://c.example/{role}", "client", "bob@corp");
  CHECK(certkit::GetErrorKind(bad.status()) == certkit::ErrorKind::kInvalidArgument);
  CHECK(absl::StrContains(bad.status().message(), "--spiffe-id for client 'bob@corp'"));
  CHECK(absl::StrContains(bad.status().message(), "'@' at byte"));
  bad = certkit::ExpandSpiffeId("spiffe://c.example/{name}", "node", "::1");
  CHECK(absl::StrContains(bad.status().message(), "node '::1'"));
  bad = certkit::ExpandSpiffeId("spiffe://c.example/{name}", "node", "..");
  CHECK(absl::StrContains(bad.status().message(), "path segment '..'"));
}

TEST_CASE("CQL for identities: string literals with quotes doubled, roles once") {
  CHECK(certkit::CqlString("app") == "'app'");
  CHECK(certkit::CqlString("o'brien") == "'o''brien'");
  CHECK(certkit::CqlString("''") == "''''''");
  const std::vector<certkit::ClientIdentity> ids = {
      {"o'brien", "o'brien", "spiffe://c.example/a", "clients/o'brien/client.o'brien.crt"},
      {"App", "App", "spiffe://c.example/b", "clients/App/client.App.crt"},
  };
  CHECK(certkit::IdentitiesCql(ids, false) ==
        "ADD IDENTITY IF NOT EXISTS 'spiffe://c.example/a' TO ROLE 'o''brien';\n"
        "ADD IDENTITY IF NOT EXISTS 'spiffe://c.example/b' TO ROLE 'App';\n");
  CHECK(absl::StartsWith(certkit::IdentitiesCql(ids, true),
                         "CREATE ROLE IF NOT EXISTS 'o''brien' WITH LOGIN = true;\n"
                         "CREATE ROLE IF NOT EXISTS 'App' WITH LOGIN = true;\nADD IDENTITY"));
}
