// The CBB issuing path (lib/core/cert_builder.h) against the X509-object
// path it replaced: for every profile and every CA/subject key type, the
// reference certificate is rebuilt here the old way (X509_new, setters,
// X509V3 extension structures encoded by BoringSSL, X509_sign) with the new
// certificate's serial and validity. The TBSCertificate bytes must be equal,
// the whole DER too where the signature is deterministic (RSA PKCS#1,
// Ed25519), and `openssl x509 -text` must print the same certificate.
#include <arpa/inet.h>

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
#include "certkit/error.h"
#include "certkit/profile.h"
#include "core/x509_ext.h"
#include "openssl/bytestring.h"
#include "openssl/mem.h"
#include "openssl/x509.h"
#include "openssl/x509v3.h"
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

// legacy: the extensions as BoringSSL's X509V3 structures and encoders
// write them (what lib/core/x509_ext.cc used before its CBB encoders): the
// oracle the CBB encoders are compared with.
namespace legacy {

using certkit::x509ext::ExtensionPtr;

absl::StatusOr<ExtensionPtr> Wrap(int nid, bool critical, void* value) {
  ExtensionPtr ext(X509V3_EXT_i2d(nid, critical ? 1 : 0, value));
  REQUIRE(ext);
  return ext;
}

absl::StatusOr<ExtensionPtr> BasicConstraints(bool is_ca, std::optional<int> path_len) {
  bssl::UniquePtr<BASIC_CONSTRAINTS> bc(BASIC_CONSTRAINTS_new());
  bc->ca = is_ca ? 0xff : 0;
  if (is_ca && path_len.has_value()) {
    bc->pathlen = ASN1_INTEGER_new();
    REQUIRE(ASN1_INTEGER_set(bc->pathlen, *path_len));
  }
  return Wrap(NID_basic_constraints, true, bc.get());
}

absl::StatusOr<ExtensionPtr> KeyUsage(uint32_t bits) {
  bssl::UniquePtr<ASN1_BIT_STRING> bs(ASN1_BIT_STRING_new());
  for (int n = 0; n < 9; ++n) {
    if ((bits & (1u << n)) != 0) REQUIRE(ASN1_BIT_STRING_set_bit(bs.get(), n, 1));
  }
  return Wrap(NID_key_usage, true, bs.get());
}

absl::StatusOr<ExtensionPtr> ExtendedKeyUsage(const std::vector<std::string>& oids) {
  bssl::UniquePtr<EXTENDED_KEY_USAGE> eku(sk_ASN1_OBJECT_new_null());
  for (const std::string& text : oids) {
    bssl::UniquePtr<ASN1_OBJECT> obj(OBJ_txt2obj(text.c_str(), 1));
    REQUIRE(obj);
    REQUIRE(bssl::PushToStack(eku.get(), std::move(obj)));
  }
  return Wrap(NID_ext_key_usage, false, eku.get());
}

absl::StatusOr<ExtensionPtr> SubjectAltNames(const std::vector<certkit::SubjectAltName>& sans,
                                             bool critical) {
  bssl::UniquePtr<GENERAL_NAMES> names(sk_GENERAL_NAME_new_null());
  for (const certkit::SubjectAltName& san : sans) {
    bssl::UniquePtr<GENERAL_NAME> gen(GENERAL_NAME_new());
    if (san.type == certkit::SubjectAltName::Type::kIp) {
      uint8_t buf[16];
      const bool v4 = inet_pton(AF_INET, san.value.c_str(), buf) == 1;
      REQUIRE((v4 || inet_pton(AF_INET6, san.value.c_str(), buf) == 1));
      ASN1_OCTET_STRING* ip = ASN1_OCTET_STRING_new();
      REQUIRE(ASN1_OCTET_STRING_set(ip, buf, v4 ? 4 : 16));
      GENERAL_NAME_set0_value(gen.get(), GEN_IPADD, ip);
    } else {
      ASN1_IA5STRING* str = ASN1_IA5STRING_new();
      REQUIRE(ASN1_STRING_set(str, san.value.data(), static_cast<int>(san.value.size())));
      const int type = san.type == certkit::SubjectAltName::Type::kDns     ? GEN_DNS
                       : san.type == certkit::SubjectAltName::Type::kEmail ? GEN_EMAIL
                                                                           : GEN_URI;
      GENERAL_NAME_set0_value(gen.get(), type, str);
    }
    REQUIRE(bssl::PushToStack(names.get(), std::move(gen)));
  }
  return Wrap(NID_subject_alt_name, critical, names.get());
}

}  // namespace legacy

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
    exts.push_back(legacy::BasicConstraints(profile.is_ca, profile.path_len));
  }
  const uint32_t key_usage = certkit::KeyUsageForKey(profile.key_usage, key.type());
  if (key_usage != 0) exts.push_back(legacy::KeyUsage(key_usage));
  if (!profile.extended_key_usage.empty()) {
    exts.push_back(legacy::ExtendedKeyUsage(profile.extended_key_usage));
  }
  exts.push_back(ext::SubjectKeyId(ski));
  exts.push_back(ext::AuthorityKeyId(ca ? ca->certificate().subject_key_id() : ski));
  if (profile.allow_sans && !sans.empty()) {
    exts.push_back(legacy::SubjectAltNames(sans, subject.empty()));
  }
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
      Unwrap(certkit::SubjectAltName::Ip("2001:db8::1")),
      certkit::SubjectAltName::Uri("spiffe://example.org/ns/db/sa/node1"),
      certkit::SubjectAltName::Email("ops@example.com")};
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

namespace {

Bytes ExtensionBytes(absl::StatusOr<certkit::x509ext::ExtensionPtr> ext) {
  REQUIRE(ext.ok());
  uint8_t* der = nullptr;
  const int len = i2d_X509_EXTENSION(ext->get(), &der);
  REQUIRE(len > 0);
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

}  // namespace

TEST_CASE("the CBB extension encoders write the bytes BoringSSL's X509V3 encoders write") {
  namespace ext = certkit::x509ext;
  // Every keyUsage bit set (9 bits: one or two bytes, each unused-bit count).
  for (uint32_t bits = 1; bits < 512; ++bits) {
    INFO("keyUsage bits " << bits);
    CHECK(Unwrap(ext::KeyUsageDer(bits)) == ExtensionBytes(legacy::KeyUsage(bits)));
  }
  CHECK(Unwrap(ext::BasicConstraintsDer(false, std::nullopt)) ==
        ExtensionBytes(legacy::BasicConstraints(false, std::nullopt)));
  CHECK(Unwrap(ext::BasicConstraintsDer(true, std::nullopt)) ==
        ExtensionBytes(legacy::BasicConstraints(true, std::nullopt)));
  for (int path_len : {0, 1, 2, 127, 128, 255, 256, 100000}) {
    INFO("pathlen " << path_len);
    CHECK(Unwrap(ext::BasicConstraintsDer(true, path_len)) ==
          ExtensionBytes(legacy::BasicConstraints(true, path_len)));
  }
  CHECK(certkit::GetErrorKind(ext::BasicConstraintsDer(true, -1).status()) ==
        certkit::ErrorKind::kInvalidArgument);
  const std::vector<std::vector<std::string>> ekus = {
      {certkit::kEkuServerAuth},
      {certkit::kEkuServerAuth, certkit::kEkuClientAuth},
      {certkit::kEkuAny, "1.3.6.1.4.1.311.20.2.2", "2.999.1234567890123"}};
  for (const auto& oids : ekus) {
    CHECK(Unwrap(ext::ExtendedKeyUsageDer(oids)) == ExtensionBytes(legacy::ExtendedKeyUsage(oids)));
  }
  CHECK(certkit::GetErrorKind(ext::ExtendedKeyUsageDer({"serverAuth"}).status()) ==
        certkit::ErrorKind::kInvalidArgument);
  const std::vector<certkit::SubjectAltName> sans = {
      certkit::SubjectAltName::Dns("db1.example.com"), Unwrap(certkit::SubjectAltName::Ip("10.1.2.3")),
      Unwrap(certkit::SubjectAltName::Ip("fd00::1")), certkit::SubjectAltName::Email("ops@example.com"),
      certkit::SubjectAltName::Uri("spiffe://example.org/db/node1"),
      certkit::SubjectAltName::Dns(std::string(300, 'a'))};  // a long form length
  for (bool critical : {false, true}) {
    CHECK(Unwrap(ext::SubjectAltNamesDer(sans, critical)) ==
          ExtensionBytes(legacy::SubjectAltNames(sans, critical)));
  }
  CHECK(certkit::GetErrorKind(
            ext::SubjectAltNamesDer({certkit::SubjectAltName::Dns("b\xc3\xa4" "d.example")}, false)
                .status()) == certkit::ErrorKind::kInvalidArgument);
}
