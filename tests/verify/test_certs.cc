// tests/verify/test_certs.cc: see test_certs.h.
#include "test_certs.h"

#include <atomic>

#include "openssl/bn.h"
#include "openssl/bytestring.h"
#include "openssl/ec_key.h"
#include "openssl/nid.h"
#include "openssl/obj.h"
#include "openssl/pem.h"
#include "openssl/rsa.h"
#include "openssl/x509v3.h"

namespace verify_test {
namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "test_certs: %s failed\n", what);
    std::abort();
  }
}

long NextSerial() {
  static std::atomic<long> serial{1000};
  return ++serial;
}

bssl::UniquePtr<ASN1_TIME> Time(time_t t) { return bssl::UniquePtr<ASN1_TIME>(ASN1_TIME_set(nullptr, t)); }

}  // namespace

bssl::UniquePtr<EVP_PKEY> NewEcKey() {
  bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  Check(ec && EC_KEY_generate_key(ec.get()), "EC key");
  bssl::UniquePtr<EVP_PKEY> key(EVP_PKEY_new());
  EVP_PKEY_assign_EC_KEY(key.get(), ec.release());
  return key;
}

bssl::UniquePtr<EVP_PKEY> NewRsaKey(int bits) {
  bssl::UniquePtr<RSA> rsa(RSA_new());
  bssl::UniquePtr<BIGNUM> e(BN_new());
  BN_set_word(e.get(), RSA_F4);
  Check(RSA_generate_key_ex(rsa.get(), bits, e.get(), nullptr), "RSA key");
  bssl::UniquePtr<EVP_PKEY> key(EVP_PKEY_new());
  EVP_PKEY_assign_RSA(key.get(), rsa.release());
  return key;
}

TestCert Make(Spec spec, const TestCert* issuer, EVP_PKEY* sign_key) {
  TestCert out;
  out.key = spec.key ? std::move(spec.key) : NewEcKey();
  out.x509.reset(X509_new());
  X509* x = out.x509.get();
  Check(X509_set_version(x, spec.version - 1), "version");
  ASN1_INTEGER_set(X509_get_serialNumber(x), spec.serial ? spec.serial : NextSerial());
  const time_t now = time(nullptr);
  Check(X509_set1_notBefore(x, Time(spec.not_before ? spec.not_before : now - 86400).get()), "notBefore");
  Check(X509_set1_notAfter(x, Time(spec.not_after ? spec.not_after : now + 30 * 86400).get()), "notAfter");
  bssl::UniquePtr<X509_NAME> name(X509_NAME_new());
  X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const uint8_t*>(spec.cn.data()),
                             static_cast<int>(spec.cn.size()), -1, 0);
  X509_set_subject_name(x, name.get());
  X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->x509.get()) : name.get());
  X509_set_pubkey(x, out.key.get());
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer->x509.get() : x, x, nullptr, nullptr, 0);
  std::vector<std::pair<std::string, std::string>> exts = spec.extensions;
  if (spec.version == 3) {
    if (spec.add_ski) exts.insert(exts.begin(), {"subjectKeyIdentifier", "hash"});
    if (spec.add_aki && issuer && X509_get_ext_by_NID(issuer->x509.get(), NID_subject_key_identifier, -1) >= 0) {
      exts.push_back({"authorityKeyIdentifier", "keyid:always"});
    } else if (spec.add_aki && issuer) {
      // The issuer has no SKI: write a keyIdentifier from its key digest.
      uint8_t md[20];
      unsigned md_len = 0;
      Check(X509_pubkey_digest(issuer->x509.get(), EVP_sha1(), md, &md_len) && md_len == 20, "digest");
      spec.raw_oid = "2.5.29.35";
      spec.raw_der = std::string("\x30\x16\x80\x14", 4) + std::string(reinterpret_cast<char*>(md), 20);
    }
  }
  for (const auto& [ext_name, value] : exts) {
    bssl::UniquePtr<X509_EXTENSION> ext(X509V3_EXT_nconf(nullptr, &ctx, ext_name.c_str(), value.c_str()));
    Check(ext != nullptr, ext_name.c_str());
    Check(X509_add_ext(x, ext.get(), -1), "add ext");
  }
  if (!spec.raw_oid.empty()) {
    bssl::UniquePtr<ASN1_OBJECT> obj(OBJ_txt2obj(spec.raw_oid.c_str(), 1));
    bssl::UniquePtr<ASN1_OCTET_STRING> data(ASN1_OCTET_STRING_new());
    ASN1_OCTET_STRING_set(data.get(), reinterpret_cast<const uint8_t*>(spec.raw_der.data()),
                          static_cast<int>(spec.raw_der.size()));
    bssl::UniquePtr<X509_EXTENSION> ext(
        X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), spec.raw_critical, data.get()));
    Check(ext && X509_add_ext(x, ext.get(), -1), "raw ext");
  }
  EVP_PKEY* signer = sign_key ? sign_key : issuer ? issuer->key.get() : out.key.get();
  Check(X509_sign(x, signer, spec.md ? spec.md : EVP_sha256()) > 0, "sign");
  return out;
}

TestCert Root(const std::string& cn) {
  Spec s;
  s.cn = cn;
  s.extensions = {{"basicConstraints", "critical,CA:TRUE"}, {"keyUsage", "critical,keyCertSign,cRLSign"}};
  return Make(std::move(s), nullptr);
}

TestCert Intermediate(const TestCert& issuer, const std::string& cn, const std::string& pathlen) {
  Spec s;
  s.cn = cn;
  s.extensions = {{"basicConstraints", "critical,CA:TRUE" + (pathlen.empty() ? "" : ",pathlen:" + pathlen)},
                  {"keyUsage", "critical,keyCertSign,cRLSign"}};
  return Make(std::move(s), &issuer);
}

TestCert Leaf(const TestCert& issuer, const std::string& san, const std::string& eku) {
  Spec s;
  s.cn = "node1";
  s.extensions = {{"basicConstraints", "critical,CA:FALSE"},
                  {"keyUsage", "critical,digitalSignature,keyEncipherment"}};
  if (!eku.empty()) s.extensions.push_back({"extendedKeyUsage", eku});
  if (!san.empty()) s.extensions.push_back({"subjectAltName", san});
  return Make(std::move(s), &issuer);
}

std::string MakeCrl(const TestCert& issuer, const std::vector<const TestCert*>& revoked,
                    const CrlSpec& spec, bool with_number);

std::string MakeCrl(const TestCert& issuer, const std::vector<const TestCert*>& revoked, bool with_number) {
  return MakeCrl(issuer, revoked, CrlSpec{}, with_number);
}

std::string MakeCrl(const TestCert& issuer, const std::vector<const TestCert*>& revoked,
                    const CrlSpec& spec) {
  return MakeCrl(issuer, revoked, spec, true);
}

std::string MakeCrl(const TestCert& issuer, const std::vector<const TestCert*>& revoked,
                    const CrlSpec& spec, bool with_number) {
  bssl::UniquePtr<X509_CRL> crl(X509_CRL_new());
  X509_CRL_set_version(crl.get(), 1);
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer.x509.get()));
  const time_t now = time(nullptr);
  X509_CRL_set1_lastUpdate(crl.get(), Time(now - 3 * 86400).get());
  if (!spec.no_next_update) X509_CRL_set1_nextUpdate(crl.get(), Time(now + spec.next_update).get());
  for (const TestCert* c : revoked) {
    X509_REVOKED* r = X509_REVOKED_new();
    X509_REVOKED_set_serialNumber(r, X509_get0_serialNumber(c->x509.get()));
    X509_REVOKED_set_revocationDate(r, Time(now - 60).get());
    if (spec.reason >= 0) {
      bssl::UniquePtr<ASN1_ENUMERATED> reason(ASN1_ENUMERATED_new());
      Check(reason && ASN1_ENUMERATED_set(reason.get(), spec.reason) &&
                X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, reason.get(), 0, 0) == 1,
            "CRL reason");
    }
    if (spec.critical_entry_ext) {
      bssl::UniquePtr<ASN1_GENERALIZEDTIME> when(ASN1_GENERALIZEDTIME_set(nullptr, now - 120));
      Check(X509_REVOKED_add1_ext_i2d(r, NID_invalidity_date, when.get(), /*crit=*/1, 0) == 1,
            "invalidityDate");
    }
    X509_CRL_add0_revoked(crl.get(), r);
  }
  if (!spec.idp.empty()) {
    bssl::UniquePtr<X509_EXTENSION> idp(
        X509V3_EXT_nconf(nullptr, nullptr, "issuingDistributionPoint", spec.idp.c_str()));
    Check(idp != nullptr && X509_CRL_add_ext(crl.get(), idp.get(), -1) == 1, "issuingDistributionPoint");
  }
  if (with_number) {
    bssl::UniquePtr<ASN1_INTEGER> number(ASN1_INTEGER_new());
    ASN1_INTEGER_set(number.get(), 1);
    X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0);
  }
  Check(X509_CRL_sign(crl.get(), issuer.key.get(), EVP_sha256()) > 0, "CRL sign");
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_CRL(bio.get(), crl.get());
  const uint8_t* data;
  size_t len;
  BIO_mem_contents(bio.get(), &data, &len);
  return std::string(reinterpret_cast<const char*>(data), len);
}

std::string ToPem(const TestCert& c) {
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), c.x509.get());
  const uint8_t* data;
  size_t len;
  BIO_mem_contents(bio.get(), &data, &len);
  return std::string(reinterpret_cast<const char*>(data), len);
}

}  // namespace verify_test
