// tests/core/x509_fixtures.h: small helpers shared by the name/cert/csr/ca
// tests (keys, CAs, running openssl on what certkit produced).
#ifndef CERTKIT_TESTS_CORE_X509_FIXTURES_H_
#define CERTKIT_TESTS_CORE_X509_FIXTURES_H_

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "certkit/ca.h"
#include "certkit/cert.h"
#include "certkit/csr.h"
#include "certkit/key.h"
#include "certkit/name.h"
#include "support/oracle.h"

namespace x509_test {

inline certkit::PrivateKey NewKey(const std::string& spec) {
  auto parsed = certkit::KeySpec::Parse(spec);
  REQUIRE(parsed.ok());
  auto key = certkit::PrivateKey::Generate(*parsed);
  INFO(spec << ": " << key.status());
  REQUIRE(key.ok());
  return *key;
}

inline certkit::DistinguishedName Dn(const std::string& text) {
  auto dn = certkit::DistinguishedName::Parse(text);
  INFO(text << ": " << dn.status());
  REQUIRE(dn.ok());
  return *dn;
}

inline certkit::CertificateAuthority NewRoot(const std::string& subject, const std::string& spec,
                                             std::optional<int> path_len = std::nullopt) {
  certkit::CaOptions opts;
  opts.subject = Dn(subject);
  opts.key = NewKey(spec);
  opts.path_len = path_len;
  auto ca = certkit::CertificateAuthority::CreateRoot(opts);
  INFO(ca.status());
  REQUIRE(ca.ok());
  return *ca;
}

inline certkit::CertificateRequest NewCsr(const std::string& subject,
                                          const std::vector<certkit::SubjectAltName>& sans,
                                          const certkit::PrivateKey& key) {
  certkit::CsrRequest req;
  req.subject = Dn(subject);
  req.sans = sans;
  auto csr = certkit::CertificateRequest::Create(req, key);
  INFO(csr.status());
  REQUIRE(csr.ok());
  return *csr;
}

inline std::vector<certkit::SubjectAltName> Sans(const std::string& text) {
  auto sans = certkit::ParseSubjectAltNames(text);
  REQUIRE(sans.ok());
  return *sans;
}

// WriteCert writes |cert| as PEM to dir/name and returns the path.
inline std::string WriteCert(const certkit_test::TempDir& dir, const std::string& name,
                             const certkit::Certificate& cert) {
  const std::string path = dir.File(name);
  certkit_test::WriteString(path, cert.ToPem());
  return path;
}

// OpensslVerify runs openssl verify; returns the process result.
inline certkit_test::ProcessResult OpensslVerify(const std::string& root,
                                                 const std::string& untrusted,
                                                 const std::string& leaf,
                                                 const std::string& purpose = "") {
  std::vector<std::string> argv = {"openssl", "verify", "-CAfile", root};
  if (!untrusted.empty()) {
    argv.push_back("-untrusted");
    argv.push_back(untrusted);
  }
  if (!purpose.empty()) {
    argv.push_back("-purpose");
    argv.push_back(purpose);
  }
  argv.push_back(leaf);
  return certkit_test::Run(argv);
}

// OpensslText returns `openssl x509 -text -noout` of the PEM file |path|.
inline std::string OpensslText(const std::string& path) {
  auto r = certkit_test::Run({"openssl", "x509", "-in", path, "-text", "-noout"});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  return r.out;
}

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Rfc2253Compact turns our "A=1, B=2" into openssl's -nameopt RFC2253
// separator style "A=1,B=2" (escaped "\\, " stays).
inline std::string Rfc2253Compact(const std::string& ours) {
  std::string out;
  for (size_t i = 0; i < ours.size(); ++i) {
    if (ours.compare(i, 2, ", ") == 0 && (i == 0 || ours[i - 1] != '\\')) {
      out += ',';
      ++i;
    } else {
      out += ours[i];
    }
  }
  return out;
}

// OpensslSubjectRfc2253 returns `openssl x509 -noout -subject -nameopt
// RFC2253,-esc_msb` without the "subject=" prefix and newline.
inline std::string OpensslSubjectRfc2253(const std::string& path) {
  auto r = certkit_test::Run({"openssl", "x509", "-in", path, "-noout", "-subject", "-nameopt",
                              "RFC2253,-esc_msb"});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.out.rfind("subject=", 0) == 0);
  return r.out.substr(8, r.out.size() - 9);
}

}  // namespace x509_test

#endif  // CERTKIT_TESTS_CORE_X509_FIXTURES_H_
