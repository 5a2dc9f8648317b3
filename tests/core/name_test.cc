// Tests of DistinguishedName and SubjectAltName against openssl and keytool.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "certkit/display.h"
#include "certkit/error.h"
#include "certkit/name.h"
#include "core/x509_ext.h"  // internal: SubjectAltNames, FromGeneralNames
#include "openssl/x509v3.h"
#include "openssl/bio.h"
#include "openssl/mem.h"
#include "openssl/pem.h"
#include "support/oracle.h"
#include "x509_fixtures.h"

using certkit::DistinguishedName;
using certkit::ErrorKind;
using certkit::GetErrorKind;
using certkit::SubjectAltName;

namespace {

bssl::UniquePtr<X509> ReadPemCert(const std::string& pem) {
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return bssl::UniquePtr<X509>(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

std::string NameDer(const X509_NAME* name) {
  uint8_t* der = nullptr;
  int len = i2d_X509_NAME(const_cast<X509_NAME*>(name), &der);
  std::string out(reinterpret_cast<char*>(der), len);
  OPENSSL_free(der);
  return out;
}

DistinguishedName MustParse(const std::string& text) {
  auto dn = DistinguishedName::Parse(text);
  INFO(text << ": " << dn.status());
  REQUIRE(dn.ok());
  return *dn;
}

DistinguishedName DerRoundTrip(const DistinguishedName& dn) {
  auto x = dn.ToX509Name();
  REQUIRE(x.ok());
  auto back = DistinguishedName::FromX509Name(x->get());
  REQUIRE(back.ok());
  return *back;
}

}  // namespace

TEST_CASE("RFC 4514 form lists RDNs last-to-first and round-trips") {
  const std::string text = "CN=10.200.175.15, OU=TestCluster, O=YourCompany, C=US";
  DistinguishedName dn = MustParse(text);
  REQUIRE(dn.rdns().size() == 4);
  CHECK(dn.rdns()[0].type == "C");
  CHECK(dn.rdns()[0].value == "US");
  CHECK(dn.rdns()[3].type == "CN");
  CHECK(dn.CommonName() == "10.200.175.15");
  CHECK(dn.ToRfc4514() == text);
  CHECK(dn.ToSlash() == "/C=US/O=YourCompany/OU=TestCluster/CN=10.200.175.15");
  CHECK(DerRoundTrip(dn).ToRfc4514() == text);
  CHECK(DerRoundTrip(dn) == dn);
}

TEST_CASE("slash form lists RDNs in DER order, trailing slash allowed") {
  DistinguishedName dn = MustParse("/CN=rootCa/OU=TestCluster/O=YourCompany/C=US/");
  REQUIRE(dn.rdns().size() == 4);
  CHECK(dn.rdns()[0].type == "CN");
  CHECK(dn.ToSlash() == "/CN=rootCa/OU=TestCluster/O=YourCompany/C=US");
  CHECK(dn.ToRfc4514() == "C=US, O=YourCompany, OU=TestCluster, CN=rootCa");
  CHECK(DerRoundTrip(dn).ToSlash() == "/CN=rootCa/OU=TestCluster/O=YourCompany/C=US");
  DistinguishedName esc = MustParse("/CN=a\\/b\\+c\\\\d/O=x=y");
  CHECK(esc.rdns()[0].value == "a/b+c\\d");
  CHECK(esc.rdns()[1].value == "x=y");
  CHECK(esc.ToSlash() == "/CN=a\\/b\\+c\\\\d/O=x=y");
  CHECK(DerRoundTrip(esc).ToSlash() == esc.ToSlash());
}

TEST_CASE("escapes, quotes, spaces and hex values") {
  DistinguishedName dn = MustParse(
      "CN=a\\,b, O=x\\+y\\;z, OU=\\\"q\\\", L=back\\\\slash, ST=\\3Ctag\\3E \\= \\#, C=DE");
  CHECK(dn.Get("CN") == "a,b");
  CHECK(dn.Get("O") == "x+y;z");
  CHECK(dn.Get("OU") == "\"q\"");
  CHECK(dn.Get("L") == "back\\slash");
  CHECK(dn.Get("ST") == "<tag> = #");
  const std::string canonical =
      "CN=a\\,b, O=x\\+y\\;z, OU=\\\"q\\\", L=back\\\\slash, ST=\\<tag\\> = #, C=DE";
  CHECK(dn.ToRfc4514() == canonical);
  CHECK(MustParse(canonical) == dn);
  CHECK(DerRoundTrip(dn).ToRfc4514() == canonical);

  // Quoted values keep commas; unescaped surrounding spaces are dropped.
  DistinguishedName q = MustParse("  O = \"Acme, Inc.\" ,  CN =  x y  ");
  CHECK(q.Get("O") == "Acme, Inc.");
  CHECK(q.Get("CN") == "x y");
  CHECK(q.ToRfc4514() == "O=Acme\\, Inc., CN=x y");
  // Escaped leading/trailing spaces and a leading '#' survive.
  DistinguishedName sp = MustParse("CN=\\ padded\\ , OU=\\#1");
  CHECK(sp.Get("CN") == " padded ");
  CHECK(sp.Get("OU") == "#1");
  CHECK(sp.ToRfc4514() == "CN=\\ padded\\ , OU=\\#1");
  CHECK(DerRoundTrip(sp) == sp);
  // UTF-8 by \XX escapes and raw.
  DistinguishedName u = MustParse("CN=Caf\\C3\\A9, O=Müller");
  CHECK(u.Get("CN") == "Caf\xC3\xA9");
  CHECK(u.ToRfc4514() == "CN=Caf\xC3\xA9, O=Müller");
  CHECK(DerRoundTrip(u) == u);
  // '#' DER value: UTF8String "abc" and BMPString "hi".
  CHECK(MustParse("CN=#0C03616263").Get("CN") == "abc");
  CHECK(MustParse("CN=#1E0400680069").Get("CN") == "hi");
  // Aliases and OIDs.
  DistinguishedName al = MustParse(
      "E=a@b.c, EMAILADDRESS=d@e.f, SERIALNUMBER=42, T=Boss, STREET=Main 1, DC=example, "
      "OID.2.5.4.3=viaoid, 1.2.3.4=custom");
  CHECK(al.Get("emailAddress") == "a@b.c");
  CHECK(al.Get("serialNumber") == "42");
  CHECK(al.Get("title") == "Boss");
  CHECK(al.Get("CN") == "viaoid");
  CHECK(al.Get("2.5.4.3") == "viaoid");
  CHECK(al.Get("1.2.3.4") == "custom");
  CHECK(al.ToRfc4514() ==
        "emailAddress=a@b.c, emailAddress=d@e.f, serialNumber=42, title=Boss, STREET=Main 1, "
        "DC=example, CN=viaoid, 1.2.3.4=custom");
  CHECK(DerRoundTrip(al) == al);
}

TEST_CASE("bad DN strings fail with kInvalidArgument naming the position") {
  struct Case {
    const char* text;
    const char* needle;
  } cases[] = {
      {"CN=a\\q", "position 4"},     {"CN=a\\", "position 4"},
      {"CN=a\\4", "position 4"},     {"CN=a\\4G", "invalid escape"},
      {"XX=1", "unknown attribute type 'XX'"},
      {"", "empty"},                 {"   ", "empty"},
      {"=a", "empty attribute type"},
      {"CN=a,", "nothing after"},    {"CN=a, O", "missing '='"},
      {"CN=\"open", "unterminated"}, {"CN=\"q\" x", "after quoted value"},
      {"CN=#0C0", "odd"},            {"CN=#zz", "invalid character"},
      {"/CN=a//O=b", "empty component"},
      {"/CN", "missing '='"},        {"CN=a\"b", "unescaped"},
      {"C*N=x", "invalid character '*'"},
  };
  for (const Case& c : cases) {
    auto dn = DistinguishedName::Parse(c.text);
    INFO(c.text << " -> " << dn.status());
    REQUIRE_FALSE(dn.ok());
    CHECK(GetErrorKind(dn.status()) == ErrorKind::kInvalidArgument);
    CHECK(std::string(dn.status().message()).find(c.needle) != std::string::npos);
  }
  for (const char* multi : {"CN=a+O=b", "/CN=a+O=b"}) {
    auto dn = DistinguishedName::Parse(multi);
    REQUIRE_FALSE(dn.ok());
    CHECK(GetErrorKind(dn.status()) == ErrorKind::kUnsupported);
  }
  for (const char* bad : {"C=USA", "C=1A", "C=", "serialNumber=a*b", "emailAddress=ü@x"}) {
    auto dn = DistinguishedName::Parse(bad);
    REQUIRE(dn.ok());
    auto x = dn->ToX509Name();
    INFO(bad);
    REQUIRE_FALSE(x.ok());
    CHECK(GetErrorKind(x.status()) == ErrorKind::kInvalidArgument);
  }
}

TEST_CASE("Get and Set") {
  DistinguishedName dn = MustParse("CN=a, O=x, O=y");
  CHECK(dn.Get("o") == "x");  // last in DER order is the first in text
  dn.Set("organizationName", "z");
  CHECK(dn.ToRfc4514() == "CN=a, O=z");
  dn.Set("L", "Here");
  CHECK(dn.ToRfc4514() == "L=Here, CN=a, O=z");
  CHECK(dn.Get("ST").empty());
}

TEST_CASE("our DER equals openssl's encoding and prints the same in RFC2253") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  certkit_test::TempDir dir;
  const std::string subj =
      "/CN=node 1/OU=Test Cluster/O=Your\\/Company/L=Köln/ST=NRW/C=US/emailAddress=ops@example.com"
      "/DC=example/serialNumber=1234";
  auto r = certkit_test::Run({"openssl", "req", "-new", "-x509", "-newkey", "ec",
                              "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-utf8",
                              "-subj", subj, "-keyout", dir.File("k.pem"), "-out",
                              dir.File("c.pem"), "-days", "1"});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  bssl::UniquePtr<X509> x = ReadPemCert(certkit_test::ReadString(dir.File("c.pem")));
  REQUIRE(x);
  DistinguishedName ours = MustParse(subj);
  auto encoded = ours.ToX509Name();
  REQUIRE(encoded.ok());
  CHECK(NameDer(encoded->get()) == NameDer(X509_get_subject_name(x.get())));
  auto parsed = DistinguishedName::FromX509Name(X509_get_subject_name(x.get()));
  REQUIRE(parsed.ok());
  CHECK(*parsed == ours);
  CHECK(x509_test::OpensslSubjectRfc2253(dir.File("c.pem")) ==
        x509_test::Rfc2253Compact(ours.ToRfc4514()));
}

TEST_CASE("keytool -dname subject reads back as the same RFC 4514 string") {
  REQUIRE(certkit_test::HaveTool("keytool"));
  certkit_test::TempDir dir;
  const std::string dname = "CN=10.200.175.15, OU=TestCluster, O=YourCompany, C=US";
  auto gen = certkit_test::Run({"keytool", "-genkeypair", "-keyalg", "RSA", "-keysize", "2048",
                                "-alias", "node", "-keystore", dir.File("k.jks"), "-storetype",
                                "JKS", "-storepass", "myKeyPass", "-keypass", "myKeyPass",
                                "-validity", "365", "-dname", dname});
  INFO(gen.output());
  REQUIRE(gen.exit_code == 0);
  auto exp = certkit_test::Run({"keytool", "-exportcert", "-rfc", "-alias", "node", "-keystore",
                                dir.File("k.jks"), "-storepass", "myKeyPass"});
  REQUIRE(exp.exit_code == 0);
  bssl::UniquePtr<X509> x = ReadPemCert(exp.out);
  REQUIRE(x);
  auto dn = DistinguishedName::FromX509Name(X509_get_subject_name(x.get()));
  REQUIRE(dn.ok());
  CHECK(dn->ToRfc4514() == dname);
  CHECK(*dn == MustParse(dname));
}

TEST_CASE("SubjectAltName::Host classifies IPs and DNS names") {
  auto h = SubjectAltName::Host("10.200.175.15");
  REQUIRE(h.ok());
  CHECK(h->type == SubjectAltName::Type::kIp);
  CHECK(h->ToString() == "IP:10.200.175.15");
  h = SubjectAltName::Host("[2001:DB8:0:0::1]");
  REQUIRE(h.ok());
  CHECK(h->type == SubjectAltName::Type::kIp);
  CHECK(h->value == "2001:db8::1");
  h = SubjectAltName::Host("node1.example.com");
  REQUIRE(h.ok());
  CHECK(h->type == SubjectAltName::Type::kDns);
  h = SubjectAltName::Host("*.example.com");
  REQUIRE(h.ok());
  CHECK(h->ToString() == "DNS:*.example.com");
  CHECK(SubjectAltName::Host("localhost").ok());
  const std::string long_label(64, 'x');
  for (const std::string& bad :
       std::vector<std::string>{"", "a b", "a..b", ".a", "a.", "-a.com", "*.com", "a.*.com",
                                long_label, "1.2.3", "256.1.1.1", "[::1", "1:2:3", "a/b"}) {
    auto r = SubjectAltName::Host(bad);
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(GetErrorKind(r.status()) == ErrorKind::kInvalidArgument);
  }
  CHECK_FALSE(SubjectAltName::Ip("node1").ok());
}

TEST_CASE("ParseSubjectAltNames and GENERAL_NAMES round trip") {
  auto sans = certkit::ParseSubjectAltNames(
      "DNS:node1.example.com, IP:10.200.175.15,email:ops@example.com , URI:spiffe://x/y, "
      "localhost, ::1");
  REQUIRE(sans.ok());
  REQUIRE(sans->size() == 6);
  CHECK((*sans)[0] == SubjectAltName::Dns("node1.example.com"));
  CHECK((*sans)[1].type == SubjectAltName::Type::kIp);
  CHECK((*sans)[2] == SubjectAltName::Email("ops@example.com"));
  CHECK((*sans)[3] == SubjectAltName::Uri("spiffe://x/y"));
  CHECK((*sans)[4] == SubjectAltName::Dns("localhost"));
  CHECK((*sans)[5].ToString() == "IP:::1");
  // Encoded as a subjectAltName extension and decoded back: the same names.
  auto ext = certkit::x509ext::SubjectAltNames(*sans, false);
  REQUIRE(ext.ok());
  bssl::UniquePtr<GENERAL_NAMES> gens(static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(ext->get())));
  REQUIRE(gens);
  CHECK(certkit::FromGeneralNames(gens.get()) == *sans);
  for (const char* bad : {"IP:1.2.3.999", "DNS:a..b", "email:nobody", "URI:", "", "bad host"}) {
    auto r = certkit::ParseSubjectAltNames(bad);
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(GetErrorKind(r.status()) == ErrorKind::kInvalidArgument);
  }
}

TEST_CASE("ToDer writes the bytes BoringSSL's i2d_X509_NAME writes for ToX509Name") {
  for (const char* text :
       {"CN=node1", "CN=Ünïcødé name,O=Example\\, Inc.,C=DE",
        "emailAddress=ops@example.com,DC=example,DC=com,CN=db1",
        "serialNumber=12345,L=Köln,ST=NRW,OU=a,OU=b"}) {
    INFO(text);
    auto dn = DistinguishedName::Parse(text);
    REQUIRE(dn.ok());
    auto name = dn->ToX509Name();
    REQUIRE(name.ok());
    uint8_t* der = nullptr;
    const int len = i2d_X509_NAME(name->get(), &der);
    REQUIRE(len > 0);
    std::vector<uint8_t> expected(der, der + len);
    OPENSSL_free(der);
    auto ours = dn->ToDer();
    REQUIRE(ours.ok());
    CHECK(*ours == expected);
  }
  // The empty name is an empty SEQUENCE.
  CHECK(*DistinguishedName().ToDer() == std::vector<uint8_t>{0x30, 0x00});
  // Values a type cannot hold are refused the same way.
  auto bad = DistinguishedName::Parse("C=Germany");
  REQUIRE(bad.ok());
  CHECK(GetErrorKind(bad->ToDer().status()) == certkit::ErrorKind::kInvalidArgument);
}

TEST_CASE("a DN value with an embedded NUL is refused in every form") {
  // The RFC 4514 "\00" escape, a raw NUL in the slash form (which has no hex
  // escapes), and the '#' DER form of a UTF8String "a\0b" (0c 03 61 00 62).
  for (const std::string& text : {std::string("CN=a\\00b"), std::string("/CN=a\0b/", 8),
                                  std::string("CN=#0c03610062, O=x")}) {
    INFO(text);
    auto dn = DistinguishedName::Parse(text);
    REQUIRE_FALSE(dn.ok());
    CHECK(GetErrorKind(dn.status()) == ErrorKind::kInvalidArgument);
    CHECK(dn.status().message().find("embedded NUL") != std::string::npos);
  }
  // A name built in code cannot be encoded either.
  DistinguishedName built({{"CN", std::string("a\0b", 3)}});
  CHECK(GetErrorKind(built.ToX509Name().status()) == ErrorKind::kInvalidArgument);
}

TEST_CASE("Unicode noncharacters are refused, so every accepted name decodes from its DER") {
  // The dn fuzzer's finding: "CN=n" + U+FDD1 parsed and encoded, but
  // BoringSSL refuses noncharacters when decoding the UTF8String back.
  for (const char* text : {"CN=n\xEF\xB7\x91", "/CN=x\xEF\xBF\xBE", "O=a\xF4\x8F\xBF\xBF"}) {
    INFO(certkit::EscapeForDisplay(text));
    auto dn = DistinguishedName::Parse(text);
    REQUIRE_FALSE(dn.ok());
    CHECK(GetErrorKind(dn.status()) == ErrorKind::kInvalidArgument);
    CHECK(std::string(dn.status().message()).find("not valid UTF-8") != std::string::npos);
  }
  // Characters next to them still work, and round-trip through DER.
  auto dn = DistinguishedName::Parse("CN=n\xEF\xB7\x8F\xEF\xB7\xB0");  // U+FDCF U+FDF0
  REQUIRE(dn.ok());
  auto x = dn->ToX509Name();
  REQUIRE(x.ok());
  auto back = DistinguishedName::FromX509Name(x->get());
  REQUIRE(back.ok());
  CHECK(*back == *dn);
}
