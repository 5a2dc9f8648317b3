// The CBB issuing path (lib/core/cert_builder.h) against the X509-object
// path it replaced: for every profile and every CA/subject key type, the
// reference certificate is rebuilt here the old way (X509_new, setters,
// X509V3 extensions from lib/core/x509_ext.h, X509_sign) with the new
// certificate's serial and validity. The TBSCertificate bytes must be equal,
// the whole DER too where the signature is deterministic (RSA PKCS#1,
// Ed25519), and `openssl x509 -text` must print the same certificate.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "certkit/ca.h"
#include "certkit/csr.h"
#include "certkit/profile.h"
#include "core/x509_ext.h"
#include "openssl/bytestring.h"
#include "openssl/mem.h"
#include "openssl/x509.h"
#include "support/oracle.h"

using certkit::Bytes;
using certkit::Certificate;
using certkit::CertificateAuthority;
using certkit::KeyType;
using certkit::PrivateKey;
using certkit::Profile;

namespace {

template <typename T>
T Unwrap(absl::StatusOr<T> v) {
  INFO(v.status().ToString());
  REQUIRE(v.ok());
  return *std::move(v);
}

const PrivateKey& KeyOf(KeyType type) {
  static std::map<KeyType, PrivateKey>* keys = new std::map<KeyType, PrivateKey>();
  auto it = keys->find(type);
  if (it == keys->end()) {
    certkit::KeySpec spec;
    spec.type = type;
    it = keys->emplace(type, Unwrap(PrivateKey::Generate(spec))).first;
  }
  return it->second;
}

Bytes I2d(X509* x) {
  uint8_t* der = nullptr;
  const int len = i2d_X509(x, &der);
  REQUIRE(len > 0);
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Bytes TbsOf(const Bytes& cert) {
  CBS in, seq, tbs;
  CBS_init(&in, cert.data(), cert.size());
  REQUIRE(CBS_get_asn1(&in, &seq, CBS_ASN1_SEQUENCE));
  REQUIRE(CBS_get_asn1_element(&seq, &tbs, CBS_ASN1_SEQUENCE));
  return Bytes(CBS_data(&tbs), CBS_data(&tbs) + CBS_len(&tbs));
}

void SetTime(X509* x, absl::Time t, bool before) {
  bssl::UniquePtr<ASN1_TIME> at(ASN1_TIME_set(nullptr, absl::ToUnixSeconds(t)));
  REQUIRE(at);
  REQUIRE((before ? X509_set1_notBefore(x, at.get()) : X509_set1_notAfter(x, at.get())));
}

// OldWay signs what the pre-CBB Issue() signed, with |issued|'s serial and
// validity so that only the construction method differs.
Bytes OldWay(const Certificate& issued, const certkit::DistinguishedName& subject,
             const certkit::PublicKey& key, const Profile& profile,
             const std::vector<certkit::SubjectAltName>& sans, const CertificateAuthority* ca,
             const PrivateKey& signer) {
  bssl::UniquePtr<X509> x(X509_new());
  REQUIRE(X509_set_version(x.get(), X509_VERSION_3));
  REQUIRE(X509_set_serialNumber(x.get(), X509_get_serialNumber(issued.native())));
  auto name = Unwrap(subject.ToX509Name());
  REQUIRE(X509_set_subject_name(x.get(), name.get()));
  REQUIRE(X509_set_issuer_name(
      x.get(), ca ? X509_get_subject_name(ca->certificate().native()) : name.get()));
  REQUIRE(X509_set_pubkey(x.get(), key.native()));
  SetTime(x.get(), issued.not_before(), true);
  SetTime(x.get(), issued.not_after(), false);
  uint8_t ski_buf[EVP_MAX_MD_SIZE];
  unsigned ski_len = 0;
  REQUIRE(X509_pubkey_digest(x.get(), EVP_sha1(), ski_buf, &ski_len));
  const Bytes ski(ski_buf, ski_buf + ski_len);
  namespace ext = certkit::x509ext;
  std::vector<absl::StatusOr<ext::ExtensionPtr>> exts;
  if (profile.is_ca || profile.basic_constraints) {
    exts.push_back(ext::BasicConstraints(profile.is_ca, profile.path_len));
  }
  const uint32_t key_usage = certkit::KeyUsageForKey(profile.key_usage, key.type());
  if (key_usage != 0) exts.push_back(ext::KeyUsage(key_usage));
  if (!profile.extended_key_usage.empty()) {
    exts.push_back(ext::ExtendedKeyUsage(profile.extended_key_usage));
  }
  exts.push_back(ext::SubjectKeyId(ski));
  exts.push_back(ext::AuthorityKeyId(ca ? ca->certificate().subject_key_id() : ski));
  if (profile.allow_sans && !sans.empty()) exts.push_back(ext::SubjectAltNames(sans, subject.empty()));
  if (profile.is_ca && !profile.name_constraints.empty()) {
    exts.push_back(ext::NameConstraintsExt(profile.name_constraints));
  }
  for (auto& e : exts) {
    REQUIRE(e.ok());
    REQUIRE(X509_add_ext(x.get(), e->get(), -1));
  }
  REQUIRE(X509_sign(x.get(), signer.native(), certkit::DefaultDigest(signer)) > 0);
  return I2d(x.get());
}

// OpensslText is `openssl x509 -text` without the signature value lines
// (ECDSA signatures are randomized).
std::string OpensslText(const certkit_test::TempDir& dir, const Bytes& der, bool keep_signature) {
  const std::string path = dir.File("c.der");
  certkit_test::WriteBytes(path, der);
  auto r = certkit_test::Run({"openssl", "x509", "-inform", "DER", "-in", path, "-noout", "-text"});
  REQUIRE(r.exit_code == 0);
  if (keep_signature) return r.out;
  std::string out;
  bool in_value = false;
  for (absl::string_view line : absl::StrSplit(r.out, '\n')) {
    if (absl::StrContains(line, "Signature Value:")) {
      in_value = true;
      continue;
    }
    // Hex continuation lines of the signature value start with spaces and hex.
    if (in_value && line.find_first_not_of(" 0123456789abcdef:") == absl::string_view::npos) {
      continue;
    }
    in_value = false;
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

void Compare(const Bytes& ours, const Bytes& old, KeyType signer_type) {
  certkit_test::TempDir dir;
  CHECK(TbsOf(ours) == TbsOf(old));
  const bool deterministic = signer_type == KeyType::kRsa || signer_type == KeyType::kEd25519;
  if (deterministic) CHECK(ours == old);
  const std::string a = OpensslText(dir, ours, deterministic);
  const std::string b = OpensslText(dir, old, deterministic);
  CHECK(a == b);
  CHECK(absl::StrContains(a, "X509v3 Subject Key Identifier"));
}

}  // namespace

TEST_CASE("the CBB issuing path writes what the X509 path wrote, every profile and key type") {
  const std::vector<KeyType> types = {KeyType::kRsa, KeyType::kEcP256, KeyType::kEcP384,
                                      KeyType::kEd25519};
  const std::vector<certkit::SubjectAltName> sans = {
      Unwrap(certkit::SubjectAltName::Ip("10.0.0.1")),
      certkit::SubjectAltName::Dns("db1.example.com"),
      Unwrap(certkit::SubjectAltName::Ip("2001:db8::1"))};
  for (KeyType ca_type : types) {
    certkit::CaOptions ca_options;
    ca_options.subject =
        Unwrap(certkit::DistinguishedName::Parse("CN=Equivalence CA,O=certkit test,C=DE"));
    ca_options.key = KeyOf(ca_type);
    ca_options.days = 100;
    ca_options.path_len = 2;
    auto ca = Unwrap(CertificateAuthority::CreateRoot(ca_options));
    {
      INFO("root, CA key " << KeyOf(ca_type).Describe());
      Bytes old = OldWay(ca.certificate(), ca_options.subject, KeyOf(ca_type).public_key(),
                         Profile::Root(2), {}, nullptr, KeyOf(ca_type));
      Compare(ca.certificate().ToDer(), old, ca_type);
    }
    // A leaf without basicConstraints and a name-constrained intermediate
    // (lifecycle's optional extensions) are encoded the same way too.
    Profile no_bc = Profile::Client();
    no_bc.basic_constraints = false;
    Profile constrained = Profile::Intermediate(1);
    constrained.name_constraints.permitted_dns = {"example.com"};
    constrained.name_constraints.excluded_dns = {".bad.example.com"};
    constrained.name_constraints.permitted_ip = {"10.0.0.0/8"};
    for (KeyType subject_type : types) {
      for (const Profile& profile : {Profile::Node(), Profile::Server(), Profile::Client(),
                                     Profile::Intermediate(1), no_bc, constrained}) {
        INFO("profile " << profile.name << ", CA key " << KeyOf(ca_type).Describe()
                        << ", subject key " << KeyOf(subject_type).Describe());
        certkit::IssueOptions options;
        options.subject = Unwrap(certkit::DistinguishedName::Parse("CN=node1,OU=db,O=certkit test"));
        options.sans = sans;
        options.days = 30;
        const certkit::PublicKey pub = KeyOf(subject_type).public_key();
        auto issued = Unwrap(ca.SignPublicKey(pub, profile, options));
        Bytes old = OldWay(issued, *options.subject, pub, profile, sans, &ca, KeyOf(ca_type));
        Compare(issued.ToDer(), old, ca_type);
      }
    }
    // From a CSR: the subject, the key and the SANs come from the request.
    certkit::CsrRequest request;
    request.subject = Unwrap(certkit::DistinguishedName::Parse("CN=db2,O=certkit test"));
    request.sans = {certkit::SubjectAltName::Dns("db2.example.com")};
    auto csr = Unwrap(certkit::CertificateRequest::Create(request, KeyOf(KeyType::kEcP256)));
    auto parsed = Unwrap(certkit::CertificateRequest::FromDer(csr.ToDer()));
    certkit::IssueOptions csr_options;
    csr_options.days = 30;
    auto issued = Unwrap(ca.SignRequest(parsed, Profile::Node(), csr_options));
    Bytes old = OldWay(issued, request.subject, KeyOf(KeyType::kEcP256).public_key(),
                       Profile::Node(), request.sans, &ca, KeyOf(ca_type));
    Compare(issued.ToDer(), old, ca_type);
  }
}
