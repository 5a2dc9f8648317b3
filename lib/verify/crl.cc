// lib/verify/crl.cc: CRL checking.
#include "verify/crl.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "certkit/rfc3339.h"
#include "core/x509_ext.h"
#include "openssl/bytestring.h"
#include "openssl/obj.h"
#include "openssl/pem.h"
#include "openssl/x509v3.h"
#include "verify/general_names.h"

namespace certkit {
namespace verify_internal {
namespace {

bool TimeAfter(const ASN1_TIME* t, int64_t now) {
  // X509_cmp_time: negative when t is before now (or equal), positive after.
  time_t n = static_cast<time_t>(now);
  return X509_cmp_time(t, &n) > 0;
}

// IdpScope is what a CRL's issuingDistributionPoint (RFC 5280 5.2.5) says
// about the certificates it covers.
enum class IdpScope { kCovers, kNotThisCert };

bool SameFullName(const DIST_POINT_NAME* a, const DIST_POINT_NAME* b) {
  if (a == nullptr || b == nullptr || a->type != 0 || b->type != 0) return false;
  for (size_t i = 0; i < sk_GENERAL_NAME_num(a->name.fullname); ++i) {
    for (size_t j = 0; j < sk_GENERAL_NAME_num(b->name.fullname); ++j) {
      if (GENERAL_NAME_cmp(sk_GENERAL_NAME_value(a->name.fullname, i),
                           sk_GENERAL_NAME_value(b->name.fullname, j)) == 0) {
        return true;
      }
    }
  }
  return false;
}

// CheckIdp reads |crl|'s issuingDistributionPoint, if any, and decides
// whether the CRL covers |cert| (6.3.3 (b)(2)): a CRL for CA certificates
// only does not decide about a leaf, nor one for leaves about a CA, nor one
// for another distribution point than the certificate names. An IDP that
// cannot be decoded, an indirect CRL or one for attribute certificates is a
// kPolicyViolation (certkit checks complete, direct CRLs only).
absl::StatusOr<IdpScope> CheckIdp(X509_CRL* crl, const ParsedCert& cert, const std::string& ctx) {
  int critical = -1;
  std::unique_ptr<ISSUING_DIST_POINT, decltype(&ISSUING_DIST_POINT_free)> idp(
      static_cast<ISSUING_DIST_POINT*>(
          X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, &critical, nullptr)),
      ISSUING_DIST_POINT_free);
  if (idp == nullptr) {
    if (critical == -1) return IdpScope::kCovers;  // absent
    return MakeError(ErrorKind::kPolicyViolation,
                     ctx + ": its issuingDistributionPoint cannot be decoded (RFC 5280 5.2.5)");
  }
  if (idp->indirectCRL) {
    return MakeError(ErrorKind::kPolicyViolation,
                     ctx + ": an indirect CRL (issuingDistributionPoint indirectCRL); certkit "
                           "checks CRLs issued directly by the certificate's issuer");
  }
  if (idp->onlyattr) {
    return MakeError(ErrorKind::kPolicyViolation,
                     ctx + ": covers attribute certificates only (onlyContainsAttributeCerts)");
  }
  if (idp->onlyuser && cert.is_ca) return IdpScope::kNotThisCert;
  if (idp->onlyCA && !cert.is_ca) return IdpScope::kNotThisCert;
  if (idp->distpoint != nullptr) {
    std::unique_ptr<CRL_DIST_POINTS, decltype(&CRL_DIST_POINTS_free)> cdp(
        static_cast<CRL_DIST_POINTS*>(
            X509_get_ext_d2i(cert.x509, NID_crl_distribution_points, nullptr, nullptr)),
        CRL_DIST_POINTS_free);
    bool match = false;
    for (size_t i = 0; cdp != nullptr && !match && i < sk_DIST_POINT_num(cdp.get()); ++i) {
      match = SameFullName(sk_DIST_POINT_value(cdp.get(), i)->distpoint, idp->distpoint);
    }
    if (!match) return IdpScope::kNotThisCert;
  }
  return IdpScope::kCovers;
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
  // A CRL of the issuer that does not cover |cert| leaves its status unknown:
  // that fails, unless another CRL of the issuer covers it.
  bool covered = false;
  std::string out_of_scope;
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
    // 6.3.3 (a)(2): a CRL past its nextUpdate is not current; RFC 5280 5.1.2.5
    // makes nextUpdate mandatory.
    const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl);
    if (next == nullptr) {
      return MakeError(ErrorKind::kPolicyViolation, ctx + ": no nextUpdate (RFC 5280 5.1.2.5)");
    }
    if (!TimeAfter(next, now)) {
      return MakeError(ErrorKind::kPolicyViolation,
                       absl::StrCat(ctx, ": the CRL expired (nextUpdate ",
                                    FormatRfc3339(x509ext::AsnTimeToAbsl(next)), "): get a current one"));
    }
    // 5.3: a critical entry extension certkit cannot process disqualifies
    // the whole CRL (the only critical one defined, certificateIssuer,
    // belongs to indirect CRLs).
    const STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(crl);
    for (size_t i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
      const X509_REVOKED* e = sk_X509_REVOKED_value(entries, i);
      for (int k = 0; k < X509_REVOKED_get_ext_count(e); ++k) {
        if (X509_EXTENSION_get_critical(X509_REVOKED_get_ext(e, k))) {
          return MakeError(ErrorKind::kPolicyViolation,
                           absl::StrCat(ctx, ": entry ", i + 1,
                                        " has a critical extension certkit cannot process "
                                        "(RFC 5280 5.3)"));
        }
      }
    }
    absl::StatusOr<IdpScope> scope = CheckIdp(crl, cert, ctx);
    if (!scope.ok()) return scope.status();
    if (*scope == IdpScope::kNotThisCert) {
      out_of_scope = ctx;
      continue;
    }
    covered = true;
    X509_REVOKED* revoked = nullptr;
    const int found =
        X509_CRL_get0_by_serial(crl, &revoked, const_cast<ASN1_INTEGER*>(X509_get0_serialNumber(cert.x509)));
    if (found == 2) {  // BoringSSL: listed with reason removeFromCRL
      return MakeError(ErrorKind::kPolicyViolation,
                       absl::StrCat(ctx, ": lists ", where, " with reason removeFromCRL, which only a "
                                    "delta CRL may use (RFC 5280 5.3.1)"));
    }
    if (found == 1) {
      return MakeError(ErrorKind::kCertRevoked,
                       absl::StrCat(where, " (", cert.description, ") is revoked by the CRL of ",
                                    issuer.description));
    }
  }
  if (!covered && !out_of_scope.empty()) {
    return MakeError(ErrorKind::kPolicyViolation,
                     absl::StrCat(out_of_scope, ": its issuingDistributionPoint does not cover ",
                                  cert.is_ca ? "CA certificates" : "end-entity certificates",
                                  " of this distribution point, and no other CRL of the issuer does, "
                                  "so the revocation status is unknown"));
  }
  return absl::OkStatus();
}

std::vector<std::string> MissingCrlWarnings(const std::vector<std::shared_ptr<const ParsedCert>>& path,
                                            const CrlList& crls) {
  std::vector<std::string> warnings;
  if (crls.empty()) return warnings;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    const ParsedCert& issuer = *path[i + 1];
    bool found = false;
    for (const auto& crl : crls) {
      if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(issuer.x509)) == 0) {
        found = true;
        break;
      }
    }
    if (!found) {
      warnings.push_back(absl::StrCat("no CRL of ", issuer.description, " was given, so the revocation of ",
                                      path[i]->description, " was not checked"));
    }
  }
  return warnings;
}

}  // namespace verify_internal
}  // namespace certkit
