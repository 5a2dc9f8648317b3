// tests/verify/verify_rules_test.cc: one test per verifier rule, with
// certificates built to break exactly that rule (test_certs.h).
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "certkit/error.h"
#include "certkit/peer_verifier.h"
#include "certkit/verify.h"
#include "support/oracle.h"
#include "test_certs.h"

namespace {

using certkit::ErrorKind;
using certkit::GetErrorKind;
using certkit::PeerIdentity;
using certkit::Purpose;
using certkit::VerifyOptions;
using verify_test::Intermediate;
using verify_test::Leaf;
using verify_test::Make;
using verify_test::Root;
using verify_test::Spec;
using verify_test::TestCert;

absl::StatusOr<certkit::VerifyResult> Run(const TestCert& leaf, const std::vector<const TestCert*>& inters,
                                          const std::vector<const TestCert*>& anchors,
                                          VerifyOptions o = {}) {
  std::vector<certkit::Certificate> pool, trust;
  for (const TestCert* c : inters) pool.push_back(c->cert());
  for (const TestCert* c : anchors) trust.push_back(c->cert());
  return certkit::Verify(leaf.cert(), pool, certkit::TrustStore(trust), o);
}

ErrorKind Kind(const absl::StatusOr<certkit::VerifyResult>& r) { return GetErrorKind(r.status()); }

VerifyOptions Server(const std::string& host) {
  VerifyOptions o;
  o.purpose = Purpose::kServerAuth;
  o.identity = PeerIdentity::Host(host);
  return o;
}

Spec LeafSpec(const std::string& san = "DNS:node1.example.com") {
  Spec s;
  s.cn = "node1";
  s.extensions = {{"basicConstraints", "critical,CA:FALSE"},
                  {"keyUsage", "critical,digitalSignature,keyEncipherment"},
                  {"extendedKeyUsage", "serverAuth,clientAuth"},
                  {"subjectAltName", san}};
  return s;
}

}  // namespace

TEST_CASE("valid chain with intermediate verifies and returns the path") {
  const TestCert root = Root(), ica = Intermediate(root), leaf = Leaf(ica);
  auto r = Run(leaf, {&ica}, {&root}, Server("node1.example.com"));
  REQUIRE(r.ok());
  REQUIRE(r->chain.size() == 3);
  CHECK(r->chain[0] == leaf.cert());
  CHECK(r->chain[2] == root.cert());
  CHECK(Run(leaf, {&ica}, {&root}, Server("10.0.0.1")).ok());
}

TEST_CASE("validity: expired, not yet valid, notAfter inclusive") {
  const TestCert root = Root(), ica = Intermediate(root), leaf = Leaf(ica);
  VerifyOptions o = Server("node1.example.com");
  CHECK(Run(leaf, {&ica}, {&root}, o).ok());
  // The intermediate and root were made "now"; pick times inside them.
  Spec s2 = LeafSpec();
  const time_t now = time(nullptr);
  s2.not_before = now - 10;
  s2.not_after = now + 100;
  const TestCert exact = Make(std::move(s2), &ica);
  o.at = absl::FromUnixSeconds(now + 100);
  CHECK(Run(exact, {&ica}, {&root}, o).ok());
  o.at = absl::FromUnixSeconds(now + 101);
  auto expired = Run(exact, {&ica}, {&root}, o);
  CHECK(Kind(expired) == ErrorKind::kCertExpired);
  CHECK(absl::StrContains(expired.status().message(), "notAfter"));
  o.at = absl::FromUnixSeconds(now - 11);
  CHECK(Kind(Run(exact, {&ica}, {&root}, o)) == ErrorKind::kCertNotYetValid);
  // An expired intermediate is reported as such.
  o.at = absl::InfinitePast();
  Spec is;
  is.cn = "Old Intermediate";
  is.not_before = now - 1000;
  is.not_after = now - 500;
  is.extensions = {{"basicConstraints", "critical,CA:TRUE"}, {"keyUsage", "critical,keyCertSign"}};
  const TestCert old_ica = Make(std::move(is), &root);
  const TestCert leaf2 = Leaf(old_ica);
  auto r = Run(leaf2, {&old_ica}, {&root}, o);
  CHECK(Kind(r) == ErrorKind::kCertExpired);
  CHECK(absl::StrContains(r.status().message(), "intermediate #1"));
}

TEST_CASE("unknown issuer and bad signature") {
  const TestCert root = Root(), other = Root("Other Root"), ica = Intermediate(root), leaf = Leaf(ica);
  auto r = Run(leaf, {}, {&root}, Server("node1.example.com"));
  CHECK(Kind(r) == ErrorKind::kUnknownIssuer);
  CHECK(absl::StrContains(r.status().message(), "Test Intermediate"));
  CHECK(Kind(Run(leaf, {&ica}, {&other})) == ErrorKind::kUnknownIssuer);
  // Same issuer name, signed by a different key, no AKI to tell them apart.
  auto forger = verify_test::NewEcKey();
  Spec s = LeafSpec();
  s.add_aki = false;
  s.version = 3;
  const TestCert forged = Make(std::move(s), &ica, forger.get());
  auto bad = Run(forged, {&ica}, {&root});
  CHECK((Kind(bad) == ErrorKind::kBadSignature || Kind(bad) == ErrorKind::kPolicyViolation));
  Spec s2 = LeafSpec();
  const TestCert forged2 = Make(std::move(s2), &ica, forger.get());  // AKI names ica: same key id
  CHECK(Kind(Run(forged2, {&ica}, {&root})) == ErrorKind::kBadSignature);
}

TEST_CASE("issuer must be a v3 CA with critical basicConstraints and keyCertSign") {
  const TestCert root = Root();
  auto check = [&](Spec s, ErrorKind want) {
    s.cn = "Bad CA";
    const TestCert ica = Make(std::move(s), &root);
    const TestCert leaf = Leaf(ica);
    auto r = Run(leaf, {&ica}, {&root});
    CHECK(Kind(r) == want);
    CHECK(absl::StrContains(r.status().message(), "Bad CA"));
  };
  Spec not_ca;
  not_ca.extensions = {{"basicConstraints", "critical,CA:FALSE"}};
  check(std::move(not_ca), ErrorKind::kIssuerNotCa);
  Spec no_bc;
  no_bc.extensions = {{"keyUsage", "keyCertSign"}};
  check(std::move(no_bc), ErrorKind::kPolicyViolation);  // keyCertSign without cA
  Spec no_bc2;
  check(std::move(no_bc2), ErrorKind::kIssuerNotCa);
  Spec non_critical;
  non_critical.extensions = {{"basicConstraints", "CA:TRUE"}};
  check(std::move(non_critical), ErrorKind::kIssuerNotCa);
  Spec no_certsign;
  no_certsign.extensions = {{"basicConstraints", "critical,CA:TRUE"}, {"keyUsage", "critical,cRLSign"}};
  check(std::move(no_certsign), ErrorKind::kIssuerNotCa);
  Spec v1;
  v1.version = 1;
  check(std::move(v1), ErrorKind::kIssuerNotCa);
  Spec no_ski;
  no_ski.add_ski = false;
  no_ski.extensions = {{"basicConstraints", "critical,CA:TRUE"}};
  check(std::move(no_ski), ErrorKind::kPolicyViolation);
}

TEST_CASE("pathLenConstraint and max_depth") {
  const TestCert root = Root(), ica0 = Intermediate(root, "ICA pathlen 0", "0");
  const TestCert ica_below = Intermediate(ica0, "ICA below");
  const TestCert leaf = Leaf(ica_below);
  auto r = Run(leaf, {&ica0, &ica_below}, {&root});
  CHECK(Kind(r) == ErrorKind::kPathLengthExceeded);
  const TestCert ica1 = Intermediate(root, "ICA pathlen 1", "1");
  const TestCert ica2 = Intermediate(ica1, "ICA2");
  const TestCert leaf2 = Leaf(ica2);
  CHECK(Run(leaf2, {&ica1, &ica2}, {&root}).ok());
  VerifyOptions o;
  o.max_depth = 3;
  CHECK(Kind(Run(leaf2, {&ica1, &ica2}, {&root}, o)) == ErrorKind::kPathLengthExceeded);
  o.max_depth = 4;
  CHECK(Run(leaf2, {&ica1, &ica2}, {&root}, o).ok());
  o.max_depth = 0;
  CHECK(Kind(Run(leaf2, {&ica1, &ica2}, {&root}, o)) == ErrorKind::kInvalidArgument);
}

TEST_CASE("purpose: EKU, empty EKU, keyUsage of the leaf") {
  const TestCert root = Root(), ica = Intermediate(root);
  const TestCert client_only = Leaf(ica, "DNS:node1.example.com", "clientAuth");
  auto r = Run(client_only, {&ica}, {&root}, Server("node1.example.com"));
  CHECK(Kind(r) == ErrorKind::kWrongPurpose);
  VerifyOptions client;
  client.purpose = Purpose::kClientAuth;
  CHECK(Run(client_only, {&ica}, {&root}, client).ok());
  Spec empty = LeafSpec();
  empty.extensions[2] = {"extendedKeyUsage", "critical,serverAuth"};
  const TestCert critical_eku = Make(std::move(empty), &ica);
  CHECK(Run(critical_eku, {&ica}, {&root}, Server("node1.example.com")).ok());  // RFC 5280 allows it
  VerifyOptions web = Server("node1.example.com");
  web.webpki_profile = true;
  CHECK(Kind(Run(critical_eku, {&ica}, {&root}, web)) == ErrorKind::kWrongPurpose);
  Spec raw_empty = LeafSpec();
  raw_empty.extensions.erase(raw_empty.extensions.begin() + 2);
  raw_empty.raw_oid = "2.5.29.37";
  raw_empty.raw_der = std::string("\x30\x00", 2);
  const TestCert empty_eku = Make(std::move(raw_empty), &ica);
  CHECK(Kind(Run(empty_eku, {&ica}, {&root})) == ErrorKind::kWrongPurpose);
  Spec no_eku = LeafSpec();
  no_eku.extensions.erase(no_eku.extensions.begin() + 2);
  const TestCert without_eku = Make(std::move(no_eku), &ica);
  CHECK(Run(without_eku, {&ica}, {&root}, Server("node1.example.com")).ok());
  CHECK(Kind(Run(without_eku, {&ica}, {&root}, web)) == ErrorKind::kWrongPurpose);
  Spec ku = LeafSpec();
  ku.extensions[1] = {"keyUsage", "critical,cRLSign"};
  const TestCert wrong_ku = Make(std::move(ku), &ica);
  CHECK(Kind(Run(wrong_ku, {&ica}, {&root}, Server("node1.example.com"))) == ErrorKind::kWrongPurpose);
}

TEST_CASE("leaf rules: keyCertSign, CA leaf, unknown critical extension, AKI, serial") {
  const TestCert root = Root(), ica = Intermediate(root);
  Spec kcs = LeafSpec();
  kcs.extensions[1] = {"keyUsage", "critical,digitalSignature,keyCertSign"};
  CHECK(Kind(Run(Make(std::move(kcs), &ica), {&ica}, {&root})) == ErrorKind::kPolicyViolation);
  const TestCert ca_leaf = Intermediate(ica, "CA leaf");
  CHECK(Kind(Run(ca_leaf, {&ica}, {&root})) == ErrorKind::kPolicyViolation);
  VerifyOptions allow;
  allow.allow_ca_leaf = true;
  CHECK(Run(ca_leaf, {&ica}, {&root}, allow).ok());
  Spec crit = LeafSpec();
  crit.raw_oid = "1.3.6.1.4.1.55738.666.1";
  crit.raw_critical = true;
  crit.raw_der = std::string("\x05\x00", 2);
  auto r = Run(Make(std::move(crit), &ica), {&ica}, {&root});
  CHECK(Kind(r) == ErrorKind::kPolicyViolation);
  CHECK(absl::StrContains(r.status().message(), "1.3.6.1.4.1.55738.666.1"));
  Spec no_aki = LeafSpec();
  no_aki.add_aki = false;
  CHECK(Kind(Run(Make(std::move(no_aki), &ica), {&ica}, {&root})) == ErrorKind::kPolicyViolation);
  Spec dup = LeafSpec();
  dup.extensions.push_back({"keyUsage", "digitalSignature"});
  CHECK(Kind(Run(Make(std::move(dup), &ica), {&ica}, {&root})) == ErrorKind::kPolicyViolation);
}

TEST_CASE("keys and signature algorithms") {
  const TestCert root = Root(), ica = Intermediate(root);
  Spec weak = LeafSpec();
  weak.key = verify_test::NewRsaKey(1024);
  CHECK(Kind(Run(Make(std::move(weak), &ica), {&ica}, {&root})) == ErrorKind::kWeakParameter);
  Spec rsa = LeafSpec();
  rsa.key = verify_test::NewRsaKey(2048);
  CHECK(Run(Make(std::move(rsa), &ica), {&ica}, {&root}).ok());
  Spec sha1 = LeafSpec();
  sha1.md = EVP_sha1();
  auto r = Run(Make(std::move(sha1), &ica), {&ica}, {&root});
  CHECK(Kind(r) == ErrorKind::kWeakParameter);
  CHECK(absl::StrContains(r.status().message(), "SHA-1"));
}

TEST_CASE("identity: DNS, wildcard, IP, email, CN fallback") {
  const TestCert root = Root(), ica = Intermediate(root);
  const TestCert leaf = Leaf(ica, "DNS:node1.example.com,DNS:*.db.example.com,IP:10.0.0.1,IP:::1");
  CHECK(Run(leaf, {&ica}, {&root}, Server("NODE1.example.com")).ok());
  CHECK(Run(leaf, {&ica}, {&root}, Server("a.db.example.com")).ok());
  CHECK(Run(leaf, {&ica}, {&root}, Server("::1")).ok());
  CHECK(Run(leaf, {&ica}, {&root}, Server("[::1]")).ok());
  CHECK(Kind(Run(leaf, {&ica}, {&root}, Server("a.b.db.example.com"))) == ErrorKind::kIdentityMismatch);
  CHECK(Kind(Run(leaf, {&ica}, {&root}, Server("db.example.com"))) == ErrorKind::kIdentityMismatch);
  auto r = Run(leaf, {&ica}, {&root}, Server("10.0.0.2"));
  CHECK(Kind(r) == ErrorKind::kIdentityMismatch);
  CHECK(absl::StrContains(r.status().message(), "IP:10.0.0.1"));
  CHECK(absl::StrContains(r.status().message(), "DNS:node1.example.com"));
  VerifyOptions bad_ip;
  bad_ip.identity = PeerIdentity::Ip("10.0.0.300");
  CHECK(Kind(Run(leaf, {&ica}, {&root}, bad_ip)) == ErrorKind::kInvalidArgument);
  // A public-suffix wildcard never matches.
  const TestCert tld = Leaf(ica, "DNS:*.co.uk");
  CHECK(Kind(Run(tld, {&ica}, {&root}, Server("example.co.uk"))) == ErrorKind::kIdentityMismatch);
  // Email for client certificates.
  const TestCert mail = Leaf(ica, "email:alice@Example.com", "clientAuth");
  VerifyOptions email;
  email.purpose = Purpose::kClientAuth;
  email.identity = PeerIdentity::Email("alice@example.COM");
  CHECK(Run(mail, {&ica}, {&root}, email).ok());
  email.identity = PeerIdentity::Email("Alice@example.com");
  CHECK(Kind(Run(mail, {&ica}, {&root}, email)) == ErrorKind::kIdentityMismatch);
  // CN fallback: only when asked and only without any SAN extension.
  Spec cn_only = LeafSpec();
  cn_only.cn = "10.0.0.7";
  cn_only.extensions.pop_back();
  const TestCert keytool_like = Make(std::move(cn_only), &ica);
  auto no_fallback = Run(keytool_like, {&ica}, {&root}, Server("10.0.0.7"));
  CHECK(Kind(no_fallback) == ErrorKind::kIdentityMismatch);
  CHECK(absl::StrContains(no_fallback.status().message(), "allow_cn_fallback"));
  VerifyOptions fb = Server("10.0.0.7");
  fb.allow_cn_fallback = true;
  CHECK(Run(keytool_like, {&ica}, {&root}, fb).ok());
  Spec cn_and_san = LeafSpec("DNS:other.example.com");
  cn_and_san.cn = "10.0.0.7";
  CHECK(Kind(Run(Make(std::move(cn_and_san), &ica), {&ica}, {&root}, fb)) == ErrorKind::kIdentityMismatch);
}

TEST_CASE("name constraints: DNS, IP, email, permitted and excluded") {
  const TestCert root = Root();
  Spec nc;
  nc.cn = "Constrained CA";
  nc.extensions = {{"basicConstraints", "critical,CA:TRUE"},
                   {"keyUsage", "critical,keyCertSign"},
                   {"nameConstraints",
                    "critical,permitted;DNS:example.com,permitted;IP:10.0.0.0/255.0.0.0,"
                    "excluded;DNS:bad.example.com,permitted;email:example.com"}};
  const TestCert ica = Make(std::move(nc), &root);
  CHECK(Run(Leaf(ica, "DNS:node1.example.com,IP:10.1.2.3"), {&ica}, {&root}).ok());
  auto r = Run(Leaf(ica, "DNS:node1.example.org"), {&ica}, {&root});
  CHECK(Kind(r) == ErrorKind::kNameConstraints);
  CHECK(absl::StrContains(r.status().message(), "node1.example.org"));
  CHECK(Kind(Run(Leaf(ica, "DNS:x.bad.example.com"), {&ica}, {&root})) == ErrorKind::kNameConstraints);
  CHECK(Kind(Run(Leaf(ica, "DNS:*.example.com"), {&ica}, {&root})) == ErrorKind::kNameConstraints);
  CHECK(Kind(Run(Leaf(ica, "IP:192.168.0.1"), {&ica}, {&root})) == ErrorKind::kNameConstraints);
  CHECK(Run(Leaf(ica, "email:bob@example.com", "clientAuth"), {&ica}, {&root}).ok());
  CHECK(Kind(Run(Leaf(ica, "email:bob@example.org", "clientAuth"), {&ica}, {&root})) ==
        ErrorKind::kNameConstraints);
  Spec noncrit;
  noncrit.cn = "Noncritical NC CA";
  noncrit.extensions = {{"basicConstraints", "critical,CA:TRUE"},
                        {"nameConstraints", "permitted;DNS:example.com"}};
  const TestCert ica2 = Make(std::move(noncrit), &root);
  CHECK(Kind(Run(Leaf(ica2), {&ica2}, {&root})) == ErrorKind::kNameConstraints);
}

// URI name constraints (RFC 5280 4.2.1.10): the constraint is a host;
// ".example.com" is any host below it, "example.com" that host only; a URI
// without a host fails. Each case is also given to `openssl verify`, which
// must agree.
TEST_CASE("name constraints: URI hosts, subdomains, no host, agreeing with openssl verify") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  const TestCert root = Root();
  auto constrained = [&root](const std::string& cn, const std::string& nc) {
    Spec s;
    s.cn = cn;
    s.extensions = {{"basicConstraints", "critical,CA:TRUE"},
                    {"keyUsage", "critical,keyCertSign"},
                    {"nameConstraints", nc}};
    return Make(std::move(s), &root);
  };
  const TestCert below = constrained("URI subdomains CA", "critical,permitted;URI:.cluster.example");
  const TestCert exact = constrained("URI host CA", "critical,permitted;URI:cluster.example");
  const TestCert excluded = constrained("URI excluded CA", "critical,excluded;URI:.bad.example");
  struct Case {
    const TestCert* ca;
    std::string san;
    bool ok;
  };
  const std::vector<Case> cases = {
      {&below, "URI:spiffe://db.cluster.example/cassandra/app", true},
      {&below, "URI:spiffe://a.b.cluster.example/x", true},
      {&below, "URI:spiffe://cluster.example/cassandra/app", false},  // the base itself
      {&below, "URI:spiffe://evilcluster.example/x", false},
      {&below, "URI:spiffe://cluster.example.evil/x", false},
      {&below, "URI:urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", false},  // no host
      {&below, "URI:spiffe:cluster.example", false},                          // no authority
      {&below, "DNS:node1.example.org,URI:https://user@db.cluster.example:8443/p", true},
      {&exact, "URI:spiffe://cluster.example/cassandra/app", true},
      {&exact, "URI:spiffe://CLUSTER.Example/cassandra/app", true},
      {&exact, "URI:https://cluster.example:8443/", true},
      {&exact, "URI:spiffe://db.cluster.example/cassandra/app", false},
      {&exact, "URI:mailto:a@cluster.example", false},
      {&excluded, "URI:spiffe://good.example/app", true},
      {&excluded, "URI:spiffe://x.bad.example/app", false},
      {&excluded, "URI:urn:x:bad", false},  // no host: cannot be shown outside the subtree
  };
  certkit_test::TempDir dir;
  const std::string root_pem = dir.File("root.pem"), ica_pem = dir.File("ica.pem"),
                    leaf_pem = dir.File("leaf.pem");
  certkit_test::WriteString(root_pem, verify_test::ToPem(root));
  for (const Case& c : cases) {
    const TestCert leaf = Leaf(*c.ca, c.san, "clientAuth");
    auto r = Run(leaf, {c.ca}, {&root});
    certkit_test::WriteString(ica_pem, verify_test::ToPem(*c.ca));
    certkit_test::WriteString(leaf_pem, verify_test::ToPem(leaf));
    const auto openssl =
        certkit_test::Run({"openssl", "verify", "-CAfile", root_pem, "-untrusted", ica_pem, leaf_pem});
    INFO(c.san << " under " << c.ca->cert().subject().ToRfc4514() << "\ncertkit: " << r.status()
               << "\nopenssl: " << openssl.output());
    CHECK(r.ok() == c.ok);
    if (!c.ok) {
      CHECK(Kind(r) == ErrorKind::kNameConstraints);
      CHECK(absl::StrContains(r.status().message(), c.san.substr(c.san.rfind("URI:"))));
    }
    REQUIRE(openssl.exit_code >= 0);
    CHECK((openssl.exit_code == 0) == c.ok);
  }
}

TEST_CASE("path building backtracks past a bad candidate issuer") {
  const TestCert root = Root();
  // Two intermediates with the same name and key id, one expired.
  auto key = verify_test::NewEcKey();
  Spec good;
  good.cn = "Shared ICA";
  good.extensions = {{"basicConstraints", "critical,CA:TRUE"}, {"keyUsage", "critical,keyCertSign"}};
  Spec old;
  old.cn = "Shared ICA";
  old.extensions = good.extensions;
  const time_t now = time(nullptr);
  old.not_before = now - 1000;
  old.not_after = now - 100;
  EVP_PKEY_up_ref(key.get());
  good.key.reset(key.get());
  old.key = std::move(key);
  const TestCert expired = Make(std::move(old), &root);
  const TestCert valid = Make(std::move(good), &root);
  const TestCert leaf = Leaf(valid);
  auto r = Run(leaf, {&expired, &valid}, {&root});
  REQUIRE(r.ok());
  CHECK(r->chain[1] == valid.cert());
  CHECK(Kind(Run(leaf, {&expired}, {&root})) == ErrorKind::kCertExpired);
}

TEST_CASE("a pinned self-signed leaf is accepted as its own anchor when allowed") {
  Spec s = LeafSpec("IP:10.0.0.9");
  s.cn = "pinned";
  const TestCert self = Make(std::move(s), nullptr);
  VerifyOptions o = Server("10.0.0.9");
  auto r = Run(self, {}, {&self}, o);
  REQUIRE(r.ok());
  CHECK(r->chain.size() == 1);
  o.allow_self_signed_leaf_anchor = false;
  CHECK(Kind(Run(self, {}, {&self}, o)) == ErrorKind::kUnknownIssuer);
  const TestCert root = Root();
  CHECK(Kind(Run(self, {}, {&root}, Server("10.0.0.9"))) == ErrorKind::kUnknownIssuer);
}

TEST_CASE("CRLs supplied by the caller") {
  const TestCert root = Root(), ica = Intermediate(root), leaf = Leaf(ica), other = Leaf(ica);
  VerifyOptions o;
  o.crls = {verify_test::MakeCrl(ica, {&leaf})};
  auto r = Run(leaf, {&ica}, {&root}, o);
  CHECK(Kind(r) == ErrorKind::kCertRevoked);
  CHECK(absl::StrContains(r.status().message(), "revoked"));
  CHECK(Run(other, {&ica}, {&root}, o).ok());
  o.crls = {verify_test::MakeCrl(ica, {}, /*with_number=*/false)};
  CHECK(Kind(Run(other, {&ica}, {&root}, o)) == ErrorKind::kPolicyViolation);
  o.crls = {"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"};
  CHECK(Kind(Run(other, {&ica}, {&root}, o)) == ErrorKind::kMalformed);
}

// issue 21, item 6: during a CA rotation two CAs are trusted; a CRL of only
// one of them leaves the other's certificates unchecked. That passes (no CRL
// is not a revocation) but is said, naming the issuer whose CRL is missing.
TEST_CASE("a certificate whose issuer published none of the given CRLs is valid, with a warning") {
  const TestCert old_root = Root("Old Root"), new_root = Root("New Root");
  const TestCert old_ica = Intermediate(old_root, "Old ICA"), new_ica = Intermediate(new_root, "New ICA");
  const TestCert old_leaf = Leaf(old_ica), new_leaf = Leaf(new_ica);
  VerifyOptions o;
  o.crls = {verify_test::MakeCrl(new_ica, {})};
  auto unchecked = Run(old_leaf, {&old_ica}, {&old_root, &new_root}, o);
  REQUIRE(unchecked.ok());
  // The leaf's issuer (old_ica) has no CRL; neither has the root above it.
  REQUIRE(unchecked->warnings.size() == 2);
  CHECK(absl::StrContains(unchecked->warnings[0], "no CRL of CN=Old ICA"));
  CHECK(absl::StrContains(unchecked->warnings[0], "was not checked"));
  // The new CA's leaf is covered at its own level; its intermediate is not.
  auto covered = Run(new_leaf, {&new_ica}, {&old_root, &new_root}, o);
  REQUIRE(covered.ok());
  REQUIRE(covered->warnings.size() == 1);
  CHECK(absl::StrContains(covered->warnings[0], "no CRL of CN=New Root"));
  // Every issuer's CRL given: nothing to say. No CRL given at all: nothing either.
  o.crls = {verify_test::MakeCrl(new_ica, {}), verify_test::MakeCrl(new_root, {})};
  auto all = Run(new_leaf, {&new_ica}, {&old_root, &new_root}, o);
  REQUIRE(all.ok());
  CHECK(all->warnings.empty());
  auto none = Run(old_leaf, {&old_ica}, {&old_root}, VerifyOptions{});
  REQUIRE(none.ok());
  CHECK(none->warnings.empty());
}

// issue 21, item 6: a CRL's validity and scope, as RFC 5280 6.3.3 says, and
// as openssl verify -crl_check decides on the same files.
TEST_CASE("CRLs: expired, out of scope, critical entry extensions and removeFromCRL fail closed") {
  const TestCert root = Root(), ica = Intermediate(root), leaf = Leaf(ica);
  certkit_test::TempDir dir;
  certkit_test::WriteString(dir.File("root.pem"), verify_test::ToPem(root));
  certkit_test::WriteString(dir.File("ica.pem"), verify_test::ToPem(ica));
  certkit_test::WriteString(dir.File("leaf.pem"), verify_test::ToPem(leaf));
  auto openssl_accepts = [&](const std::string& crl) {
    certkit_test::WriteString(dir.File("crl.pem"), crl);
    auto r = certkit_test::Run({"openssl", "verify", "-crl_check", "-CAfile", dir.File("root.pem"),
                                "-untrusted", dir.File("ica.pem"), "-CRLfile", dir.File("crl.pem"),
                                dir.File("leaf.pem")});
    INFO(r.output());
    return r.exit_code == 0;
  };
  struct Case {
    const char* name;
    verify_test::CrlSpec spec;
    bool revoke_leaf;
    const char* message;
    // openssl refuses too. It accepts a CRL without nextUpdate (RFC 5280
    // 5.1.2.5 requires one) and keeps a certificate listed with
    // removeFromCRL in a full CRL as valid, where certkit fails closed.
    bool openssl_refuses = true;
  };
  const Case cases[] = {
      {"expired (nextUpdate a day ago)", {-86400, false, "", false}, false, "the CRL expired (nextUpdate "},
      {"no nextUpdate", {0, true, "", false}, false, "no nextUpdate", false},
      {"only CA certificates, listing nothing", {86400, false, "critical,onlyCA:TRUE", false}, false,
       "does not cover end-entity certificates"},
      {"another distribution point",
       {86400, false, "critical,fullname:URI:http://crl.example/other.crl", false}, false,
       "does not cover end-entity certificates of this distribution point"},
      {"indirect", {86400, false, "critical,indirectCRL:TRUE", false}, false, "an indirect CRL"},
      {"critical entry extension", {86400, false, "", true}, true,
       "has a critical extension certkit cannot process"},
      {"listed with removeFromCRL", {86400, false, "", false, 8}, true,
       "with reason removeFromCRL, which only a delta CRL may use", false},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    std::vector<const TestCert*> listed;
    if (c.revoke_leaf) listed.push_back(&leaf);
    const std::string crl = verify_test::MakeCrl(ica, listed, c.spec);
    VerifyOptions o;
    o.crls = {crl};
    auto r = Run(leaf, {&ica}, {&root}, o);
    INFO(r.status().message());
    CHECK(Kind(r) == ErrorKind::kPolicyViolation);
    CHECK(absl::StrContains(r.status().message(), c.message));
    CHECK(openssl_accepts(crl) == !c.openssl_refuses);
  }
  // In scope, current and clean, both accept; leaves-only covers the leaf.
  for (const char* idp : {"", "critical,onlyuser:TRUE"}) {
    INFO(idp);
    verify_test::CrlSpec spec;
    spec.idp = idp;
    const std::string crl = verify_test::MakeCrl(ica, {}, spec);
    VerifyOptions o;
    o.crls = {crl};
    auto r = Run(leaf, {&ica}, {&root}, o);
    INFO(r.status().message());
    CHECK(r.ok());
    CHECK(openssl_accepts(crl));
    const std::string revoking = verify_test::MakeCrl(ica, {&leaf}, spec);
    o.crls = {revoking};
    CHECK(Kind(Run(leaf, {&ica}, {&root}, o)) == ErrorKind::kCertRevoked);
    CHECK_FALSE(openssl_accepts(revoking));
  }
  // A CA-only CRL next to a leaf CRL: the leaf's decides.
  {
    verify_test::CrlSpec ca_only;
    ca_only.idp = "critical,onlyCA:TRUE";
    VerifyOptions o;
    o.crls = {verify_test::MakeCrl(ica, {&leaf}, ca_only), verify_test::MakeCrl(ica, {})};
    CHECK(Run(leaf, {&ica}, {&root}, o).ok());
  }
}

TEST_CASE("PeerVerifier with prepared CRLs checks identity and fails closed without one") {
  const TestCert root = Root(), ica = Intermediate(root), leaf = Leaf(ica), other = Leaf(ica);
  certkit::PeerVerifierOptions options;
  options.identity = certkit::PeerIdentityRule::kHost;
  options.crls = {verify_test::MakeCrl(ica, {&leaf})};
  const certkit::PeerVerifier verifier(certkit::TrustStore({root.cert()}), options);
  const certkit::PeerVerifier copy = verifier;  // shares the prepared anchors and CRLs
  for (const certkit::PeerVerifier* v : {&verifier, &copy}) {
    // Leaf() names DNS:node1.example.com and IP:10.0.0.1.
    CHECK(v->VerifyServer({other.cert(), ica.cert()}, "10.0.0.1").ok());
    CHECK(v->VerifyServer({other.cert(), ica.cert()}, "node1.example.com").ok());
    CHECK(GetErrorKind(v->VerifyServer({other.cert(), ica.cert()}, "10.9.9.9")) ==
          ErrorKind::kIdentityMismatch);
    CHECK(GetErrorKind(v->VerifyServer({other.cert(), ica.cert()}, "other.example")) ==
          ErrorKind::kIdentityMismatch);
    CHECK(GetErrorKind(v->VerifyServer({other.cert(), ica.cert()}, std::nullopt)) ==
          ErrorKind::kInvalidArgument);
    CHECK(GetErrorKind(v->VerifyServer({leaf.cert(), ica.cert()}, "10.0.0.1")) ==
          ErrorKind::kCertRevoked);
    CHECK(GetErrorKind(v->VerifyClient({leaf.cert(), ica.cert()})) == ErrorKind::kCertRevoked);
  }
  // A CRL that cannot be parsed fails every verification, as Verify does.
  certkit::PeerVerifierOptions broken;
  broken.crls = {"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"};
  const certkit::PeerVerifier bad(certkit::TrustStore({root.cert()}), broken);
  CHECK(GetErrorKind(bad.VerifyServer({other.cert(), ica.cert()}, std::nullopt)) ==
        ErrorKind::kMalformed);
}

TEST_CASE("TrustStore copies do not see later additions") {
  const TestCert a = Root("A"), b = Root("B");
  certkit::TrustStore store({a.cert()});
  certkit::TrustStore copy = store;
  copy.Add(b.cert());
  CHECK(store.size() == 1);
  CHECK(copy.size() == 2);
  copy.Add(b.cert());  // duplicates are ignored
  CHECK(copy.size() == 2);
  CHECK(certkit::PeerIdentity::Host("10.1.1.1").kind == PeerIdentity::Kind::kIp);
  CHECK(certkit::PeerIdentity::Host("[fe80::1]").value == "fe80::1");
  CHECK(certkit::PeerIdentity::Host("db1.example.com").kind == PeerIdentity::Kind::kDns);
}

namespace {

bssl::UniquePtr<EVP_PKEY> Ref(EVP_PKEY* key) {
  EVP_PKEY_up_ref(key);
  return bssl::UniquePtr<EVP_PKEY>(key);
}

}  // namespace

TEST_CASE("an honest leaf with 10,000 SANs under a CA with 10,000 subtrees verifies") {
  const TestCert root = Root();
  std::string permitted = "critical", sans;
  for (int i = 0; i < 10000; ++i) {
    permitted += ",permitted;DNS:h" + std::to_string(i) + ".example.com";
    sans += std::string(i ? "," : "") + "DNS:n.h" + std::to_string(9999 - i) + ".example.com";
  }
  Spec nc;
  nc.cn = "Many Constraints CA";
  nc.extensions = {{"basicConstraints", "critical,CA:TRUE"}, {"nameConstraints", permitted}};
  const TestCert ica = Make(std::move(nc), &root);
  const TestCert leaf = Leaf(ica, sans);
  CHECK(Run(leaf, {&ica}, {&root}).ok());
  // One name outside the subtrees is still caught.
  CHECK(Kind(Run(Leaf(ica, "DNS:n.h1.example.com,DNS:x.example.org"), {&ica}, {&root})) ==
        ErrorKind::kNameConstraints);
  // The budget is an option: a tiny one stops the same verification.
  VerifyOptions tiny;
  tiny.max_work = 5000;
  auto r = Run(leaf, {&ica}, {&root}, tiny);
  CHECK(Kind(r) == ErrorKind::kLimitExceeded);
  CHECK(absl::StrContains(r.status().message(), "max_work"));
}

TEST_CASE("84 name-constrained intermediates cannot drive verification work up") {
  // 42 copies of intermediate A (same name and key) under the root, 42 copies
  // of B (same name and key) under A: 1764 candidate paths, each ending in
  // 300 IP SANs x 300 IP subtrees of comparisons.
  const TestCert root = Root();
  bssl::UniquePtr<EVP_PKEY> key_a = verify_test::NewEcKey(), key_b = verify_test::NewEcKey();
  std::string permitted = "critical", sans;
  for (int i = 0; i < 300; ++i) {
    permitted += ",permitted;IP:10." + std::to_string(i / 250) + "." + std::to_string(i % 250) +
                 ".0/255.255.255.0";
    sans += std::string(i ? "," : "") + "IP:192.168." + std::to_string(i / 250) + "." +
            std::to_string(i % 250 + 1);
  }
  std::vector<TestCert> as, bs;
  for (int i = 0; i < 42; ++i) {
    Spec a;
    a.cn = "Attack A";
    a.key = Ref(key_a.get());
    a.extensions = {{"basicConstraints", "critical,CA:TRUE"}, {"nameConstraints", permitted}};
    as.push_back(Make(std::move(a), &root));
  }
  for (int i = 0; i < 42; ++i) {
    Spec b;
    b.cn = "Attack B";
    b.key = Ref(key_b.get());
    b.extensions = {{"basicConstraints", "critical,CA:TRUE"}, {"nameConstraints", permitted}};
    bs.push_back(Make(std::move(b), &as[i]));
  }
  std::vector<const TestCert*> pool;
  for (const TestCert& c : as) pool.push_back(&c);
  for (const TestCert& c : bs) pool.push_back(&c);
  auto r = Run(Leaf(bs[0], sans), pool, {&root});
  REQUIRE_FALSE(r.ok());
  CHECK(Kind(r) == ErrorKind::kLimitExceeded);
  CHECK(absl::StrContains(r.status().message(), "work budget"));
  // The same hierarchy with a leaf inside the subtrees verifies.
  CHECK(Run(Leaf(bs[0], "IP:10.0.7.1"), pool, {&root}).ok());
}

namespace {

// The subjectKeyIdentifier extension value (the DER of its OCTET STRING)
// of |c|.
std::string SkiDer(const TestCert& c) {
  const int at = X509_get_ext_by_NID(c.x509.get(), NID_subject_key_identifier, -1);
  REQUIRE(at >= 0);
  const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(X509_get_ext(c.x509.get(), at));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                     static_cast<size_t>(ASN1_STRING_length(value)));
}

}  // namespace

TEST_CASE("a flood of candidate parents with the issuer's name is bounded") {
  // Go #78282: a chain that brings hundreds of certificates named like the
  // leaf's issuer, each with another key, made Go's verifier check a
  // signature per candidate (434 ms per verification). Here 1,000 decoys,
  // signed by the root, carry the real intermediate's name; all share one
  // RSA-4096 key (a costly signature check each, and the cache of checked
  // pairs cannot help: every decoy is another certificate). The work is
  // bounded by the verification's work budget and the candidate limit,
  // checked here; its CPU time (0.01-0.05 s) is in docs/SECURITY.md.
  const TestCert root = Root();
  const TestCert ica = Intermediate(root, "Flood CA");
  const TestCert leaf = Leaf(ica);
  bssl::UniquePtr<EVP_PKEY> decoy_key = verify_test::NewRsaKey(4096);
  auto decoys = [&](bool spoof_ski) {
    std::vector<TestCert> out;
    for (int i = 0; i < 1000; ++i) {
      Spec d;
      d.cn = "Flood CA";
      d.key = Ref(decoy_key.get());
      d.extensions = {{"basicConstraints", "critical,CA:TRUE"}, {"keyUsage", "critical,keyCertSign,cRLSign"}};
      if (spoof_ski) {
        // The real intermediate's key identifier, so the AKI/SKI
        // preference of RFC 5280 4.2.1.1 cannot set the decoys apart.
        d.add_ski = false;
        d.raw_oid = "2.5.29.14";
        d.raw_der = SkiDer(ica);
      }
      out.push_back(Make(std::move(d), &root));
    }
    return out;
  };

  SECTION("decoys that copy the key identifier exhaust the work budget, not the CPU") {
    std::vector<TestCert> flood = decoys(true);
    std::vector<const TestCert*> pool;
    for (const TestCert& c : flood) pool.push_back(&c);
    pool.push_back(&ica);  // the real issuer comes last
    auto r = Run(leaf, pool, {&root});
    REQUIRE_FALSE(r.ok());
    CHECK(Kind(r) == ErrorKind::kLimitExceeded);
    CHECK(absl::StrContains(r.status().message(), "work budget"));
    // The real issuer first: one signature check, verified.
    pool.pop_back();
    pool.insert(pool.begin(), &ica);
    CHECK(Run(leaf, pool, {&root}).ok());
  }
  SECTION("decoys without the key identifier are passed over for the one that has it") {
    std::vector<TestCert> flood = decoys(false);
    std::vector<const TestCert*> pool;
    for (const TestCert& c : flood) pool.push_back(&c);
    pool.push_back(&ica);
    auto r = Run(leaf, pool, {&root});
    INFO(r.status());
    CHECK(r.ok());
  }
  SECTION("3,000 decoys that are not CAs stop at the candidate limit") {
    std::vector<TestCert> flood;
    for (int i = 0; i < 3000; ++i) {
      Spec d;
      d.cn = "Flood CA";
      d.key = Ref(decoy_key.get());
      d.add_ski = false;
      d.raw_oid = "2.5.29.14";
      d.raw_der = SkiDer(ica);
      flood.push_back(Make(std::move(d), &root));
    }
    std::vector<const TestCert*> pool;
    for (const TestCert& c : flood) pool.push_back(&c);
    pool.push_back(&ica);
    auto r = Run(leaf, pool, {&root});
    REQUIRE_FALSE(r.ok());
    INFO(r.status());
    CHECK(Kind(r) == ErrorKind::kLimitExceeded);
    CHECK(absl::StrContains(r.status().message(), "gave up after 2048 candidate issuers"));
    CHECK(absl::StrContains(r.status().message(), "the first refusal was: intermediate #1 (CN=Flood CA): no basicConstraints"));
  }
}
