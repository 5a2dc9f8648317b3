// lib/verify/crl.cc: CRL checking.
#include "verify/crl.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "core/x509_ext.h"
#include "openssl/bytestring.h"
#include "openssl/obj.h"
#include "openssl/pem.h"
#include "verify/general_names.h"

namespace certkit {
namespace verify_internal {
namespace {

bool TimeAfter(const ASN1_TIME* t, int64_t now) {
  // X509_cmp_time: negative when t is before now (or equal), positive after.
  time_t n = static_cast<time_t>(now);
  return X509_cmp_time(t, &n) > 0;
}

}  // namespace

absl::StatusOr<CrlList> ParseCrls(const std::vector<std::string>& crls) {
  CrlList out;
  for (size_t i = 0; i < crls.size(); ++i) {
    bssl::UniquePtr<X509_CRL> crl = x509ext::ParseCrlData(crls[i]);
    if (!crl) return MakeError(ErrorKind::kMalformed, absl::StrCat("CRL #", i, " cannot be parsed"));
    out.push_back(std::move(crl));
  }
  return out;
}

absl::Status CheckRevocation(const ParsedCert& cert, const ParsedCert& issuer, const CrlList& crls,
                             int64_t now, const std::string& where) {
  for (const auto& crl_ptr : crls) {
    X509_CRL* crl = crl_ptr.get();
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer.x509)) != 0) continue;
    const std::string ctx = absl::StrCat("CRL of ", issuer.description, " for ", where);
    if (X509_CRL_verify(crl, issuer.public_key.get()) != 1) {
      return MakeError(ErrorKind::kBadSignature, ctx + ": signature does not verify with the issuer's key");
    }
    if (issuer.ku_present && !(issuer.key_usage & kKuCrlSign)) {
      return MakeError(ErrorKind::kPolicyViolation, ctx + ": issuer keyUsage lacks cRLSign (RFC 5280 6.3.3 (f))");
    }
    if (X509_CRL_get_version(crl) != 1) {
      return MakeError(ErrorKind::kPolicyViolation, ctx + ": not a v2 CRL (RFC 5280 5.1.2.1)");
    }
    bool has_number = false;
    for (int i = 0; i < X509_CRL_get_ext_count(crl); ++i) {
      X509_EXTENSION* ext = X509_CRL_get_ext(crl, i);
      const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
      const bool critical = X509_EXTENSION_get_critical(ext) != 0;
      if (nid == NID_crl_number) {
        has_number = true;
        if (critical) return MakeError(ErrorKind::kPolicyViolation, ctx + ": critical cRLNumber (RFC 5280 5.2.3)");
      } else if (critical && nid != NID_issuing_distribution_point) {
        return MakeError(ErrorKind::kPolicyViolation, ctx + ": unknown critical CRL extension (RFC 5280 5.2)");
      }
    }
    if (!has_number) return MakeError(ErrorKind::kPolicyViolation, ctx + ": no cRLNumber (RFC 5280 5.2.3)");
    if (TimeAfter(X509_CRL_get0_lastUpdate(crl), now)) {
      return MakeError(ErrorKind::kPolicyViolation, ctx + ": thisUpdate is in the future");
    }
    X509_REVOKED* revoked = nullptr;
    if (X509_CRL_get0_by_serial(crl, &revoked, const_cast<ASN1_INTEGER*>(X509_get0_serialNumber(cert.x509))) == 1) {
      return MakeError(ErrorKind::kCertRevoked,
                       absl::StrCat(where, " (", cert.description, ") is revoked by the CRL of ",
                                    issuer.description));
    }
  }
  return absl::OkStatus();
}

}  // namespace verify_internal
}  // namespace certkit
