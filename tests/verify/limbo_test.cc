// tests/verify/limbo_test.cc: runs every x509-limbo case through Verify()
// and compares the outcome with tests/verify/limbo_expectations.txt.
//
// The data lives outside the repository: ${CERTKIT_SOURCE_DIR}/../shared/
// limbo/limbo.json (CI clones the repository next to shared/), or the file
// named by $CERTKIT_LIMBO_JSON. When neither exists the test warns and skips.
//
// Options used for every case: the web-PKI profile (webpki_profile), no CN
// fallback, no CA leaf, purpose from the case's extended_key_usage or else
// serverAuth for SERVER and clientAuth for CLIENT cases, identity from
// expected_peer_name (SERVER) or the first expected_peer_names entry
// (CLIENT), max_depth = max_chain_depth + 2 (leaf and anchor), the case's
// CRLs and validation time. The cases' signature_algorithms and key_usage
// fields are not enforced separately (only the two cryptography.io cases set
// key_usage, to digitalSignature, which their leaves carry).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "certkit/error.h"
#include "certkit/verify.h"
#include "support/limbo.h"
#include "support/oracle.h"

namespace {

using certkit::Certificate;

bool ParsePem(const std::string& pem, std::vector<Certificate>* out) {
  auto cert = Certificate::FromPem(pem);
  if (!cert.ok()) return false;
  out->push_back(*cert);
  return true;
}

std::string LimboPath() {
  if (const char* env = std::getenv("CERTKIT_LIMBO_JSON"); env != nullptr && *env) return env;
  return certkit_test::SourceDir() + "/../shared/limbo/limbo.json";
}

// Expectations: "<id> wrongly-rejected|wrongly-accepted  # reason".
std::map<std::string, std::string> LoadExpectations() {
  std::map<std::string, std::string> out;
  std::ifstream in(certkit_test::SourceDir() + "/tests/verify/limbo_expectations.txt");
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view l = absl::StripAsciiWhitespace(line);
    if (l.empty() || l[0] == '#') continue;
    std::istringstream ls{std::string(l)};
    std::string id, kind, hash;
    ls >> id >> kind >> hash;
    INFO("expectation line: " << line);
    REQUIRE((kind == "wrongly-rejected" || kind == "wrongly-accepted"));
    REQUIRE(hash == "#");  // every deviation carries a reason
    out[id] = kind;
  }
  return out;
}

struct Outcome {
  bool accepted = false;
  std::string detail;
};

Outcome RunCase(const nlohmann::json& tc) {
  std::vector<Certificate> peer, trusted, untrusted;
  if (!ParsePem(tc["peer_certificate"].get<std::string>(), &peer)) {
    return {false, "peer certificate does not parse"};
  }
  for (const auto& p : tc["trusted_certs"]) ParsePem(p.get<std::string>(), &trusted);
  for (const auto& p : tc["untrusted_intermediates"]) ParsePem(p.get<std::string>(), &untrusted);

  certkit::VerifyOptions o;
  o.webpki_profile = true;
  o.purpose = certkit_test::LimboWantsClientAuth(tc) ? certkit::Purpose::kClientAuth
                                                    : certkit::Purpose::kServerAuth;
  const nlohmann::json* name = certkit_test::LimboPeerName(tc);
  if (name != nullptr) {
    const std::string kind = (*name)["kind"], value = (*name)["value"];
    if (kind == "DNS") o.identity = certkit::PeerIdentity::Dns(value);
    if (kind == "IP") o.identity = certkit::PeerIdentity::Ip(value);
    if (kind == "RFC822") o.identity = certkit::PeerIdentity::Email(value);
  }
  if (!tc["max_chain_depth"].is_null()) o.max_depth = tc["max_chain_depth"].get<int>() + 2;
  if (!tc["validation_time"].is_null()) {
    std::string err;
    REQUIRE(absl::ParseTime(absl::RFC3339_full, tc["validation_time"].get<std::string>(), &o.at, &err));
  }
  for (const auto& crl : tc["crls"]) o.crls.push_back(crl.get<std::string>());
  auto result = certkit::Verify(peer[0], untrusted, certkit::TrustStore(trusted), o);
  if (!result.ok()) {
    return {false, absl::StrCat(certkit::ErrorKindName(certkit::GetErrorKind(result.status())), ": ",
                                result.status().message())};
  }
  return {true, absl::StrCat("chain of ", result->chain.size())};
}

}  // namespace

TEST_CASE("x509-limbo cases match the expectations file") {
  const std::string path = LimboPath();
  std::ifstream in(path);
  if (!in) {
    WARN("x509-limbo data not found at " << path << " (set CERTKIT_LIMBO_JSON); skipping");
    return;
  }
  const nlohmann::json limbo = nlohmann::json::parse(in);
  const auto expectations = LoadExpectations();
  int pass = 0, wrongly_accepted = 0, wrongly_rejected = 0, skipped = 0;
  std::vector<std::string> unexpected;
  std::set<std::string> seen;
  for (const auto& tc : limbo["testcases"]) {
    const std::string id = tc["id"];
    seen.insert(id);
    const bool want_success = tc["expected_result"] == "SUCCESS";
    const Outcome got = RunCase(tc);
    std::string deviation;
    if (got.accepted == want_success) {
      ++pass;
    } else if (got.accepted) {
      ++wrongly_accepted;
      deviation = "wrongly-accepted";
    } else {
      ++wrongly_rejected;
      deviation = "wrongly-rejected";
    }
    auto it = expectations.find(id);
    const std::string expected = it == expectations.end() ? "" : it->second;
    if (deviation != expected) {
      unexpected.push_back(absl::StrCat(id, ": expected ", expected.empty() ? "pass" : expected, ", got ",
                                        deviation.empty() ? "pass" : deviation, " (", got.detail, ")"));
    }
    if (!deviation.empty() || std::getenv("CERTKIT_LIMBO_VERBOSE")) {
      std::printf("limbo %-70s %s: %s\n", id.c_str(), deviation.empty() ? "pass" : deviation.c_str(),
                  got.detail.c_str());
    }
  }
  for (const auto& [id, kind] : expectations) {
    if (!seen.count(id)) unexpected.push_back(absl::StrCat(id, ": listed in the expectations file but not in limbo.json"));
  }
  std::printf("x509-limbo: %d pass / %d wrongly accepted / %d wrongly rejected / %d skipped (of %zu)\n",
              pass, wrongly_accepted, wrongly_rejected, skipped, limbo["testcases"].size());
  for (const std::string& u : unexpected) UNSCOPED_INFO(u);
  CHECK(unexpected.empty());
  CHECK(wrongly_accepted == 0);
}
