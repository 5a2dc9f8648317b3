// lib/verify/rules.cc: per-certificate profile rules.
#include "verify/rules.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "certkit/error.h"
#include "verify/identity.h"
#include "verify/name_constraints.h"

namespace certkit {
namespace verify_internal {
namespace {

std::string Date(int64_t t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", absl::FromUnixSeconds(t), absl::UTCTimeZone());
}

absl::Status Fail(ErrorKind kind, const std::string& where, const ParsedCert& c,
                  const std::string& rule) {
  return MakeError(kind, absl::StrCat(where, " (", c.description, "): ", rule));
}

const char* PurposeOid(Purpose p) {
  return p == Purpose::kServerAuth ? kEkuServerAuth : kEkuClientAuth;
}

// Rules every certificate in a path obeys, whatever its role.
absl::Status CheckCommon(const ParsedCert& c, const std::string& where, int64_t now) {
  if (!c.defect.ok()) return Annotate(c.defect, absl::StrCat(where, " (", c.description, ")"));
  if (!c.key_defect.ok()) return Annotate(c.key_defect, absl::StrCat(where, " (", c.description, ")"));
  if (auto s = CheckValidity(c, now, where); !s.ok()) return s;
  // 4.1.2.4: "The issuer field MUST contain a non-empty distinguished name."
  if (c.issuer_empty) return Fail(ErrorKind::kPolicyViolation, where, c, "empty issuer name (RFC 5280 4.1.2.4)");
  // 4.2.1.9: pathLenConstraint only with cA; keyCertSign only with cA.
  if (c.path_len && !c.is_ca) {
    return Fail(ErrorKind::kPolicyViolation, where, c, "pathLenConstraint without cA (RFC 5280 4.2.1.9)");
  }
  if (c.ku_present && (c.key_usage & kKuKeyCertSign) && !(c.bc_present && c.is_ca)) {
    return Fail(ErrorKind::kPolicyViolation, where, c,
                "keyUsage keyCertSign without basicConstraints cA (RFC 5280 4.2.1.9)");
  }
  // 4.2.1.1: keyIdentifier MUST be present except in self-signed certificates.
  if (c.version == 3 && !c.self_issued && c.aki_key_id.empty()) {
    return Fail(ErrorKind::kPolicyViolation, where, c,
                "no authorityKeyIdentifier keyIdentifier (RFC 5280 4.2.1.1)");
  }
  // 4.2.1.6: SAN syntax. dNSName in preferred name syntax (no '_', no
  // leading '.', ASCII), iPAddress 4 or 16 octets, rfc822Name a mailbox.
  for (const GeneralName& n : c.sans) {
    bool ok = true;
    if (n.type == NameType::kDns) ok = IsValidDnsName(n.value, /*allow_wildcard=*/true);
    if (n.type == NameType::kIp) ok = n.value.size() == 4 || n.value.size() == 16;
    if (n.type == NameType::kEmail) ok = IsValidEmail(n.value);
    if (!ok) {
      return Fail(ErrorKind::kPolicyViolation, where, c,
                  absl::StrCat("subjectAltName ", Describe(n), " is not a valid ", NameTypeName(n.type),
                               " name (RFC 5280 4.2.1.6)"));
    }
  }
  // 4.2.1.6: an empty subject needs a critical SAN.
  if (c.subject_empty && !(c.san_present && c.san_critical)) {
    return Fail(ErrorKind::kPolicyViolation, where, c,
                "empty subject without a critical subjectAltName (RFC 5280 4.2.1.6)");
  }
  return absl::OkStatus();
}

}  // namespace

std::string Position(int index, bool is_anchor) {
  if (index == 0) return is_anchor ? "leaf (trust anchor)" : "leaf";
  if (is_anchor) return absl::StrCat("trust anchor (position ", index, ")");
  return absl::StrCat("intermediate #", index);
}

absl::Status CheckValidity(const ParsedCert& c, int64_t now, const std::string& where) {
  if (now > c.not_after) {
    return Fail(ErrorKind::kCertExpired, where, c,
                absl::StrCat("expired: notAfter ", Date(c.not_after), " is before ", Date(now)));
  }
  if (now < c.not_before) {
    return Fail(ErrorKind::kCertNotYetValid, where, c,
                absl::StrCat("not yet valid: notBefore ", Date(c.not_before), " is after ", Date(now)));
  }
  return absl::OkStatus();
}

bool EkuAllows(const ParsedCert& c, Purpose purpose, bool allow_any_eku) {
  if (purpose == Purpose::kAny || !c.eku_present) return true;
  for (const std::string& oid : c.eku) {
    if (oid == PurposeOid(purpose)) return true;
    if (allow_any_eku && oid == kEkuAny) return true;
  }
  return false;
}

absl::Status CheckLeaf(const ParsedCert& c, const VerifyOptions& o, int64_t now) {
  const std::string where = "leaf";
  if (auto s = CheckCommon(c, where, now); !s.ok()) return s;
  if (!c.serial_defect.ok()) return Annotate(c.serial_defect, absl::StrCat(where, " (", c.description, ")"));
  if (o.webpki_profile && c.version != 3) {
    return Fail(ErrorKind::kPolicyViolation, where, c, absl::StrCat("X.509 v", c.version, " (CABF 7.1.1: v3 only)"));
  }
  // The leaf is an end entity: cA is refused unless the caller allows it
  // (CABF 7.1.2.7.8; RFC 5280 itself does not forbid it).
  if (c.bc_present && c.is_ca && !o.allow_ca_leaf) {
    return Fail(ErrorKind::kPolicyViolation, where, c,
                "is a CA certificate (basicConstraints cA) in the leaf position; set allow_ca_leaf to accept");
  }
  // 4.2.1.10: name constraints "MUST be used only in a CA certificate".
  if (c.name_constraints.present && !c.is_ca) {
    return Fail(ErrorKind::kPolicyViolation, where, c, "nameConstraints in an end-entity certificate (RFC 5280 4.2.1.10)");
  }
  // 4.2.1.12: the extension holds "one or more" purposes.
  if (c.eku_present && c.eku.empty()) {
    return Fail(ErrorKind::kWrongPurpose, where, c, "empty extendedKeyUsage (RFC 5280 4.2.1.12)");
  }
  if (o.purpose != Purpose::kAny) {
    const char* name = o.purpose == Purpose::kServerAuth ? "serverAuth" : "clientAuth";
    if (o.webpki_profile) {
      if (!c.eku_present) {
        return Fail(ErrorKind::kWrongPurpose, where, c,
                    absl::StrCat("no extendedKeyUsage; ", name, " required (CABF 7.1.2.7.6)"));
      }
      if (c.eku_critical) return Fail(ErrorKind::kWrongPurpose, where, c, "critical extendedKeyUsage (CABF 7.1.2.7.6)");
      for (const std::string& oid : c.eku) {
        if (oid == kEkuAny) {
          return Fail(ErrorKind::kWrongPurpose, where, c, "extendedKeyUsage contains anyExtendedKeyUsage (CABF 7.1.2.7.10)");
        }
      }
    }
    if (!EkuAllows(c, o.purpose, /*allow_any_eku=*/!o.webpki_profile)) {
      return Fail(ErrorKind::kWrongPurpose, where, c,
                  absl::StrCat("extendedKeyUsage does not include ", name, " (RFC 5280 4.2.1.12)"));
    }
    // 4.2.1.3: a keyUsage that is present must allow the TLS role's use.
    const uint32_t need = o.purpose == Purpose::kServerAuth
                              ? (kKuDigitalSignature | kKuKeyEncipherment | kKuKeyAgreement)
                              : (kKuDigitalSignature | kKuKeyAgreement);
    if (c.ku_present && (c.key_usage & need) == 0) {
      return Fail(ErrorKind::kWrongPurpose, where, c,
                  absl::StrCat("keyUsage allows none of the uses ", name, " needs (RFC 5280 4.2.1.3)"));
    }
  }
  if (o.webpki_profile) {
    // CABF 7.1.2.7.12: SAN critical only when the subject is empty.
    if (c.san_critical && !c.subject_empty) {
      return Fail(ErrorKind::kPolicyViolation, where, c, "critical subjectAltName with a non-empty subject (CABF 7.1.2.7.12)");
    }
    // CABF 7.1.4.3: a CN must be a character-for-character copy of a SAN
    // value. certkit enforces it for CNs of a kind (an IP literal in any
    // notation, else a DNS name) of which the certificate has SANs, and
    // relaxes it for DNS names to "equal to a SAN or a parent domain of
    // one" (a CN "example.com" over "*.example.com" names nothing the SANs
    // do not cover). Non-ASCII CNs and case variants are refused.
    for (const std::string& cn : c.common_names) {
      std::string ip;
      const bool cn_is_ip = ParseIpAddressLenient(cn, &ip);
      const NameType kind = cn_is_ip ? NameType::kIp : NameType::kDns;
      bool has_kind = false, found = false;
      for (const GeneralName& n : c.sans) {
        if (n.type != kind) continue;
        has_kind = true;
        if (kind == NameType::kIp) {
          found = found || FormatIp(n.value) == cn;
        } else if (n.value == cn) {
          found = true;
        } else if (IsValidDnsName(cn, false) && AsciiLower(cn) == cn && n.value != "*" &&
                   DnsNameWithin(absl::StartsWith(n.value, "*.") ? n.value.substr(2) : n.value, cn) &&
                   AsciiLower(n.value) != cn) {
          found = true;
        }
      }
      if (has_kind && !found) {
        return Fail(ErrorKind::kPolicyViolation, where, c,
                    absl::StrCat("subject CN \"", cn, "\" is not a copy of one of the subjectAltName values (CABF 7.1.4.3)"));
      }
    }
  }
  return CheckIdentity(c, o.identity, o.allow_cn_fallback);
}

absl::Status CheckIssuer(const ParsedCert& c, bool is_anchor, const VerifyOptions& o, int64_t now,
                         const std::string& where) {
  if (auto s = CheckCommon(c, where, now); !s.ok()) return s;
  if (!is_anchor && !c.serial_defect.ok()) {
    return Annotate(c.serial_defect, absl::StrCat(where, " (", c.description, ")"));
  }
  // 6.1.4 (k): the issuer must be a v3 CA certificate with cA asserted.
  if (c.version != 3) {
    return Fail(ErrorKind::kIssuerNotCa, where, c, absl::StrCat("X.509 v", c.version, " certificates are not accepted as CAs"));
  }
  if (!c.bc_present || !c.is_ca) {
    return Fail(ErrorKind::kIssuerNotCa, where, c,
                c.bc_present ? "basicConstraints cA is false (RFC 5280 4.2.1.9)"
                             : "no basicConstraints extension (RFC 5280 4.2.1.9)");
  }
  // 4.2.1.9: CAs "MUST mark the extension as critical".
  if (!c.bc_critical) {
    return Fail(ErrorKind::kIssuerNotCa, where, c, "basicConstraints is not critical (RFC 5280 4.2.1.9)");
  }
  // 6.1.4 (n): a keyUsage that is present must assert keyCertSign.
  if (c.ku_present && !(c.key_usage & kKuKeyCertSign)) {
    return Fail(ErrorKind::kIssuerNotCa, where, c, "keyUsage lacks keyCertSign (RFC 5280 4.2.1.3, 6.1.4 (n))");
  }
  // 4.2.1.2: SKI "MUST appear in all conforming CA certificates".
  if (!c.ski_present) return Fail(ErrorKind::kPolicyViolation, where, c, "no subjectKeyIdentifier (RFC 5280 4.2.1.2)");
  // 4.1.2.6: a CA's subject MUST be non-empty.
  if (c.subject_empty) return Fail(ErrorKind::kPolicyViolation, where, c, "empty subject in a CA certificate (RFC 5280 4.1.2.6)");
  if (c.name_constraints.present) {
    // 4.2.1.10: "Conforming CAs MUST mark this extension as critical."
    if (!c.name_constraints.critical) {
      return Fail(ErrorKind::kNameConstraints, where, c, "nameConstraints is not critical (RFC 5280 4.2.1.10)");
    }
    // A leading-period DNS base (OpenSSL's "permitted;DNS:.example.com") is
    // accepted for interoperability, except under the web PKI profile.
    if (auto s = ValidateNameConstraints(c.name_constraints, /*allow_leading_dot_dns=*/!o.webpki_profile);
        !s.ok()) {
      return Annotate(s, absl::StrCat(where, " (", c.description, ")"));
    }
  }
  // certkit does not implement policy processing (6.1.3 (d)-(f)); a CA
  // demanding an explicit policy cannot be honoured.
  if (c.pc_require_explicit) {
    return Fail(ErrorKind::kPolicyViolation, where, c, "policyConstraints requireExplicitPolicy is not supported");
  }
  if (is_anchor && o.webpki_profile) {
    // CABF 7.1.2.1.2: root CAs carry no extendedKeyUsage.
    if (c.eku_present) return Fail(ErrorKind::kPolicyViolation, where, c, "trust anchor has extendedKeyUsage (CABF 7.1.2.1.2)");
    // CABF 7.1.2.1.3: AKI, if present, is exactly keyIdentifier == SKI.
    if (c.aki_present && (c.aki_key_id.empty() || c.aki_has_issuer || c.aki_has_serial ||
                          (c.self_issued && c.aki_key_id != c.ski))) {
      return Fail(ErrorKind::kPolicyViolation, where, c,
                  "trust anchor authorityKeyIdentifier is not a keyIdentifier equal to its SKI (CABF 7.1.2.1.3)");
    }
  }
  // An extendedKeyUsage in a CA constrains the certificates below it (the
  // common interpretation: Go, Chrome, Windows).
  if (!EkuAllows(c, o.purpose, /*allow_any_eku=*/true)) {
    return Fail(ErrorKind::kWrongPurpose, where, c, "CA extendedKeyUsage does not allow the requested purpose");
  }
  return absl::OkStatus();
}

}  // namespace verify_internal
}  // namespace certkit
