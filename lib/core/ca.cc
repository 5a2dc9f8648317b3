#include "certkit/ca.h"

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "certkit/error.h"
#include "core/cert_builder.h"
#include "core/oid.h"
#include "core/x509_ext.h"
#include "core/name_match.h"
#include "openssl/bn.h"
#include "openssl/digest.h"
#include "openssl/mem.h"
#include "openssl/rand.h"
#include "openssl/x509.h"
#include "openssl/x509v3.h"

namespace certkit {
namespace {

// The issuing side of a signature: the CA's encodings, key and validity end
// (absent when self-signing a root).
struct Issuer {
  // Name, AKI keyIdentifier and signature algorithm; nullptr when
  // self-signing (the subject is the issuer, the AKI is the SKI).
  const internal::IssuerEncoding* encoding = nullptr;
  const PrivateKey* key = nullptr;
  std::optional<absl::Time> not_after;
  const Certificate* cert = nullptr;  // the issuer's certificate, for messages
};

// How far past the issuer's notAfter a request may reach and still be
// issued (ending with the issuer) instead of refused.
constexpr absl::Duration kClampTolerance = absl::Hours(24);

struct Validity {
  absl::Time not_before;
  absl::Time not_after;
};

std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", t, absl::UTCTimeZone());
}

absl::StatusOr<Validity> ComputeValidity(int days, absl::Time not_before, const Issuer& issuer,
                                         bool allow_beyond_issuer) {
  if (days <= 0) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("validity must be at least one day, got ", days));
  }
  Validity v;
  v.not_before =
      not_before == absl::InfinitePast() ? absl::Now() - absl::Minutes(1) : not_before;
  v.not_before = absl::FromUnixSeconds(absl::ToUnixSeconds(v.not_before));
  v.not_after = v.not_before + absl::Hours(24) * days;
  if (issuer.not_after.has_value() && *issuer.not_after < v.not_before) {
    return MakeError(ErrorKind::kCertExpired,
                     absl::StrCat("the CA certificate ",
                                  issuer.cert ? absl::StrCat("(", issuer.cert->subject().ToRfc4514(), ") ") : "",
                                  "expired on ", Utc(*issuer.not_after), "; renew the CA first"));
  }
  if (issuer.not_after.has_value() && v.not_after > *issuer.not_after && !allow_beyond_issuer) {
    // Within a day of the issuer's end (e.g. a 365-day CA made a minute ago
    // signing a 365-day leaf) the leaf ends with the issuer: day precision.
    if (v.not_after - *issuer.not_after <= kClampTolerance) {
      v.not_after = *issuer.not_after;
      return v;
    }
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("requested notAfter ", Utc(v.not_after), " (", days,
                                  " days) is after the issuer's notAfter ",
                                  Utc(*issuer.not_after), " (",
                                  issuer.cert ? issuer.cert->subject().ToRfc4514() : "",
                                  "); ask for fewer days"));
  }
  return v;
}

// Which extensions Issue writes: those of the profile, or only what keytool
// -genkeypair writes into its self-signed certificates (SKI, SANs).
enum class Extensions { kProfile, kKeytoolSelfSigned };

// Issue builds and signs one v3 certificate (lib/core/cert_builder.h).
absl::StatusOr<Certificate> Issue(const DistinguishedName& subject, const PublicKey& subject_key,
                                  const Profile& profile, const std::vector<SubjectAltName>& sans,
                                  const Validity& validity, const Issuer& issuer,
                                  Extensions which = Extensions::kProfile) {
  auto subject_der = internal::NameDer(subject);
  if (!subject_der.ok()) return subject_der.status();
  const Bytes spki = subject_key.ToSpkiDer();
  // SKI: SHA-1 of the subjectPublicKey BIT STRING (RFC 5280 4.2.1.2 (1)).
  const Bytes ski = internal::KeyIdOf(spki);
  if (ski.empty()) return MakeError(ErrorKind::kInternal, "cannot hash the public key");

  internal::IssuerEncoding self;
  const internal::IssuerEncoding* enc = issuer.encoding;
  if (enc == nullptr) {
    auto alg = internal::SignatureAlgorithmDer(*issuer.key);
    if (!alg.ok()) return alg.status();
    self.name = *subject_der;
    self.aki_extension = internal::KeyIdExtensionDer(true, ski);
    self.signature_algorithm = *std::move(alg);
    enc = &self;
  }
  std::vector<Bytes> exts;
  exts.reserve(6);
  auto add = [&exts](absl::StatusOr<Bytes> der) {
    if (!der.ok()) return der.status();
    exts.push_back(*std::move(der));
    return absl::OkStatus();
  };
  absl::Status st = absl::OkStatus();
  if (which == Extensions::kKeytoolSelfSigned) {
    exts.push_back(internal::KeyIdExtensionDer(false, ski));
    if (!sans.empty()) st = add(x509ext::SubjectAltNamesDer(sans, subject.empty()));
  } else {
    if (profile.is_ca || profile.basic_constraints) {
      st = add(x509ext::BasicConstraintsDer(profile.is_ca, profile.path_len));
    }
    const uint32_t key_usage = KeyUsageForKey(profile.key_usage, subject_key.type());
    if (st.ok() && key_usage != 0) st = add(x509ext::KeyUsageDer(key_usage));
    if (st.ok() && !profile.extended_key_usage.empty()) {
      st = add(x509ext::ExtendedKeyUsageDer(profile.extended_key_usage));
    }
    if (st.ok()) exts.push_back(internal::KeyIdExtensionDer(false, ski));
    if (st.ok()) exts.push_back(enc->aki_extension);
    if (st.ok() && profile.allow_sans && !sans.empty()) {
      st = add(x509ext::SubjectAltNamesDer(sans, subject.empty()));
    }
  }
  if (st.ok() && profile.is_ca && !profile.name_constraints.empty()) {
    st = add(x509ext::NameConstraintsDer(profile.name_constraints));
  }
  if (!st.ok()) return st;

  const Bytes serial = RandomSerial();
  internal::TbsFields fields;
  fields.serial = serial;
  fields.not_before = validity.not_before;
  fields.not_after = validity.not_after;
  fields.subject = *subject_der;
  fields.spki = spki;
  fields.extensions = &exts;
  auto der = internal::SignCertificate(fields, *enc, *issuer.key);
  if (!der.ok()) {
    if (GetErrorKind(der.status()) != ErrorKind::kInternal) return der.status();
    return MakeError(ErrorKind::kInternal,
                     absl::StrCat("cannot sign with the ", issuer.key->Describe(), " CA key"));
  }
  return internal::AdoptSignedDer(*std::move(der));
}

// IssuerKeyId is the keyIdentifier for the AKI of certificates |ca| signs:
// its SKI, or (a v1 CA has none) the RFC 5280 method-1 hash of its key.
Bytes IssuerKeyId(const Certificate& ca) {
  Bytes id = ca.subject_key_id();
  if (!id.empty()) return id;
  uint8_t buf[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (!X509_pubkey_digest(ca.native(), EVP_sha1(), buf, &len)) return {};
  return Bytes(buf, buf + len);
}

// CaProfile is |base| with the CA options' key usage and name constraints.
absl::StatusOr<Profile> CaProfile(Profile base, const CaOptions& options) {
  if (options.key_usage.has_value()) {
    if ((*options.key_usage & kKuKeyCertSign) == 0) {
      return MakeError(ErrorKind::kInvalidArgument,
                       "a CA's key usage must include keyCertSign");
    }
    base.key_usage = *options.key_usage;
  }
  base.name_constraints = options.name_constraints;
  return base;
}

Issuer IssuerOf(const Certificate& cert, const PrivateKey& key,
                const internal::IssuerEncoding& encoding) {
  Issuer issuer;
  issuer.encoding = &encoding;
  issuer.key = &key;
  issuer.not_after = encoding.not_after;
  issuer.cert = &cert;
  return issuer;
}

absl::StatusOr<PrivateKey> KeyFor(const CaOptions& options) {
  if (options.key.has_value()) return *options.key;
  return PrivateKey::Generate(options.key_spec);
}

// CheckParentAllowsCa fails when |parent| may not issue a CA with |path_len|.
absl::Status CheckParentAllowsCa(const Certificate& parent, std::optional<int> path_len) {
  const BasicConstraints bc = parent.basic_constraints();
  if (!bc.path_len.has_value()) return absl::OkStatus();
  const std::string who = parent.subject().ToRfc4514();
  if (*bc.path_len == 0) {
    return MakeError(ErrorKind::kPathLengthExceeded,
                     absl::StrCat("CA '", who,
                                  "' has pathlen 0 and may not issue intermediate CAs"));
  }
  if (!path_len.has_value() || *path_len >= *bc.path_len) {
    return MakeError(ErrorKind::kPathLengthExceeded,
                     absl::StrCat("CA '", who, "' has pathlen ", *bc.path_len,
                                  "; an intermediate below it needs pathlen at most ",
                                  *bc.path_len - 1, ", asked for ",
                                  path_len ? absl::StrCat(*path_len) : "unlimited"));
  }
  return absl::OkStatus();
}

// ApplyPolicy computes the issued subject from the requested one.
absl::StatusOr<DistinguishedName> ApplyPolicy(DistinguishedName subject,
                                              const IssueOptions& options,
                                              const Certificate& ca_cert) {
  if (options.subject.has_value()) {
    for (const NameAttribute& a : options.subject->rdns()) subject.Set(a.type, a.value);
  }
  const SigningPolicy& policy = options.policy;
  for (const SigningPolicy::Field& f : policy.fields) {
    const std::string value = subject.Get(f.type);
    if (f.rule == SigningPolicy::Rule::kSupplied && value.empty()) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("the subject '", subject.ToRfc4514(), "' has no ", f.type,
                                    ", which the signing policy requires"));
    }
    if (f.rule != SigningPolicy::Rule::kMatch) continue;
    const std::string ca_value = ca_cert.subject().Get(f.type);
    if (value != ca_value) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("the subject's ", f.type, " '", value,
                                    "' does not match the CA's ", f.type, " '",
                                    ca_value, "' as the signing policy requires"));
    }
  }
  if (!policy.keep_unlisted) {
    std::vector<NameAttribute> kept;
    for (const NameAttribute& a : subject.rdns()) {
      for (const SigningPolicy::Field& f : policy.fields) {
        if (oid::CanonicalType(f.type) == oid::CanonicalType(a.type)) {
          kept.push_back(a);
          break;
        }
      }
    }
    subject = DistinguishedName(std::move(kept));
  }
  return subject;
}

void AddUnique(const std::vector<SubjectAltName>& from, std::vector<SubjectAltName>* to) {
  for (const SubjectAltName& s : from) {
    bool seen = false;
    for (const SubjectAltName& t : *to) seen = seen || t == s;
    if (!seen) to->push_back(s);
  }
}

}  // namespace

Bytes RandomSerial() {
  Bytes serial(16);
  do {
    RAND_bytes(serial.data(), serial.size());
    serial[0] &= 0x7f;
  } while (std::all_of(serial.begin(), serial.end(), [](uint8_t b) { return b == 0; }));
  return serial;
}

absl::StatusOr<CertificateAuthority> CertificateAuthority::Make(Certificate cert, PrivateKey key,
                                                                std::vector<Certificate> chain) {
  auto encoding = std::make_shared<internal::IssuerEncoding>();
  auto name = internal::NameDer(X509_get_subject_name(cert.native()));
  if (!name.ok()) return name.status();
  auto alg = internal::SignatureAlgorithmDer(key);
  if (!alg.ok()) return alg.status();
  encoding->name = *std::move(name);
  encoding->aki_extension = internal::KeyIdExtensionDer(true, IssuerKeyId(cert));
  encoding->signature_algorithm = *std::move(alg);
  encoding->not_after = cert.not_after();
  CertificateAuthority ca(std::move(cert), std::move(key), std::move(chain));
  ca.encoding_ = std::move(encoding);
  return ca;
}

absl::StatusOr<Certificate> SelfSignLikeKeytool(const DistinguishedName& subject, const PrivateKey& key,
                                                const std::vector<SubjectAltName>& sans, int days,
                                                absl::Time not_before) {
  if (subject.empty()) {
    return MakeError(ErrorKind::kInvalidArgument, "a self-signed certificate needs a subject DN");
  }
  Issuer self;
  self.key = &key;
  auto validity = ComputeValidity(days, not_before, self, false);
  if (!validity.ok()) return validity.status();
  return Issue(subject, key.public_key(), Profile(), sans, *validity, self,
               Extensions::kKeytoolSelfSigned);
}

std::vector<Certificate> CertificateAuthority::ChainWithSelf() const {
  std::vector<Certificate> out{cert_};
  out.insert(out.end(), chain_.begin(), chain_.end());
  return out;
}

absl::Status CaOptions::Validate() const {
  absl::Status s = CheckValidityDays(days);
  if (!s.ok()) return Annotate(s, "CA options");
  if (path_len.has_value() && *path_len < 0) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("CA options: path length ", *path_len, " is negative"));
  }
  return absl::OkStatus();
}

absl::Status IssueOptions::Validate() const {
  if (days < 0) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("issue options: validity must be at least one day (or 0 for the "
                                  "profile's default), got ",
                                  days));
  }
  return absl::OkStatus();
}

absl::StatusOr<CertificateAuthority> CertificateAuthority::CreateRoot(const CaOptions& options) {
  if (auto st = options.Validate(); !st.ok()) return st;
  if (options.subject.empty()) {
    return MakeError(ErrorKind::kInvalidArgument, "a root CA needs a subject");
  }
  auto key = KeyFor(options);
  if (!key.ok()) return key.status();
  Issuer self;
  self.key = &*key;
  auto validity = ComputeValidity(options.days, options.not_before, self, true);
  if (!validity.ok()) return validity.status();
  auto profile = CaProfile(Profile::Root(options.path_len), options);
  if (!profile.ok()) return profile.status();
  auto cert = Issue(options.subject, key->public_key(), *profile, {}, *validity, self);
  if (!cert.ok()) return cert.status();
  return Make(*std::move(cert), *std::move(key), {});
}

absl::StatusOr<CertificateAuthority> CertificateAuthority::CreateIntermediate(
    const CertificateAuthority& parent, const CaOptions& options) {
  if (auto st = options.Validate(); !st.ok()) return st;
  if (options.subject.empty()) {
    return MakeError(ErrorKind::kInvalidArgument, "an intermediate CA needs a subject");
  }
  auto ca_profile = CaProfile(Profile::Intermediate(options.path_len.value_or(0)), options);
  if (!ca_profile.ok()) return ca_profile.status();
  const Profile& profile = *ca_profile;
  if (auto st = CheckParentAllowsCa(parent.cert_, profile.path_len); !st.ok()) return st;
  auto key = KeyFor(options);
  if (!key.ok()) return key.status();
  const Issuer issuer = IssuerOf(parent.cert_, parent.key_, *parent.encoding_);
  auto validity =
      ComputeValidity(options.days, options.not_before, issuer, options.allow_beyond_issuer);
  if (!validity.ok()) return validity.status();
  auto cert = Issue(options.subject, key->public_key(), profile, {}, *validity, issuer);
  if (!cert.ok()) return cert.status();
  return Make(*std::move(cert), *std::move(key), parent.ChainWithSelf());
}

absl::StatusOr<CertificateAuthority> CertificateAuthority::Load(const Certificate& cert,
                                                                const PrivateKey& key,
                                                                std::vector<Certificate> chain) {
  const std::string who = cert.subject().ToRfc4514();
  if (!cert.MatchesKey(key)) {
    return MakeError(ErrorKind::kKeyMismatch,
                     absl::StrCat("the private key does not belong to the CA certificate '", who,
                                  "'"));
  }
  const BasicConstraints bc = cert.basic_constraints();
  // A v1 self-signed root (no extensions at all, as old "openssl req -x509"
  // made them, e.g. the Cassandra guide's rootCa.crt) is a CA by convention.
  const bool v1_root = cert.version() == 1 && cert.is_self_issued();
  if (!bc.is_ca && !v1_root) {
    return MakeError(ErrorKind::kIssuerNotCa,
                     absl::StrCat("certificate '", who, "' is not a CA (basicConstraints ",
                                  bc.present ? "CA:FALSE" : "absent", ")"));
  }
  const std::optional<uint32_t> ku = cert.key_usage();
  if (ku.has_value() && (*ku & kKuKeyCertSign) == 0) {
    return MakeError(ErrorKind::kIssuerNotCa,
                     absl::StrCat("CA certificate '", who, "' lacks the keyCertSign key usage"));
  }
  // Re-parse so the CA holds a certificate with cached encodings: Sign*
  // copies its subject from many threads, which must not re-encode it.
  auto parsed = Certificate::FromDer(cert.ToDer());
  if (!parsed.ok()) return parsed.status();
  return Make(*std::move(parsed), key, std::move(chain));
}

absl::StatusOr<Certificate> CertificateAuthority::SignRequest(const CertificateRequest& csr,
                                                              const Profile& profile,
                                                              const IssueOptions& options) const {
  if (auto st = csr.VerifySignature(); !st.ok()) return st;
  std::vector<SubjectAltName> sans;
  if (options.policy.copy_csr_sans) sans = csr.requested_sans();
  AddUnique(options.sans, &sans);
  IssueOptions effective = options;
  effective.sans = std::move(sans);
  effective.policy.copy_csr_sans = false;
  return SignSubject(csr.subject(), csr.public_key(), profile, effective);
}

absl::StatusOr<Certificate> CertificateAuthority::SignPublicKey(const PublicKey& key,
                                                                const Profile& profile,
                                                                const IssueOptions& options) const {
  if (!options.subject.has_value() || options.subject->empty()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "signing a bare public key needs options.subject");
  }
  return SignSubject(DistinguishedName(), key, profile, options);
}

absl::StatusOr<Certificate> CertificateAuthority::SignSubject(const DistinguishedName& requested,
                                                              const PublicKey& key,
                                                              const Profile& profile,
                                                              const IssueOptions& options) const {
  if (auto st = options.Validate(); !st.ok()) return st;
  if (auto st = profile.Validate(); !st.ok()) return st;
  // The subject key under the key policy (weak RSA, odd curves).
  if (absl::Status checked = key.CheckPolicy(options.key_policy); !checked.ok()) {
    return Annotate(checked,
                    absl::StrCat("cannot certify the key of '", requested.ToRfc4514(), "'"));
  }
  auto subject = ApplyPolicy(requested, options, cert_);
  if (!subject.ok()) return subject.status();
  std::vector<SubjectAltName> sans = options.sans;
  if (!profile.allow_sans) sans.clear();
  if (profile.require_san && sans.empty()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("profile '", profile.name, "' requires a subjectAltName for '",
                                  subject->ToRfc4514(), "'; give the host names or IP addresses"));
  }
  if (subject->empty() && sans.empty()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "the certificate would have neither a subject nor subject alternative names");
  }
  if (profile.is_ca) {
    if (auto st = CheckParentAllowsCa(cert_, profile.path_len); !st.ok()) return st;
  }
  // Names outside the constraints of this CA or its chain are never issued.
  // (Not ChainWithSelf: its copies would bump the shared certificates'
  // reference counts from every worker of a batch.)
  if (auto st = name_match::CheckSansAgainstCa(cert_, sans); !st.ok()) return st;
  for (const Certificate& ca : chain_) {
    if (auto st = name_match::CheckSansAgainstCa(ca, sans); !st.ok()) return st;
  }
  const Issuer issuer = IssuerOf(cert_, key_, *encoding_);
  auto validity = ComputeValidity(options.days != 0 ? options.days : profile.default_days,
                                  options.not_before, issuer, options.allow_beyond_issuer);
  if (!validity.ok()) return validity.status();
  return Issue(*subject, key, profile, sans, *validity, issuer);
}

absl::StatusOr<std::vector<Certificate>> PickCaForKey(const std::vector<Certificate>& bundle,
                                                      const PrivateKey& key) {
  std::vector<Certificate> out;
  for (const Certificate& c : bundle) {
    if (c.MatchesKey(key)) {
      out.push_back(c);
      break;
    }
  }
  if (out.empty()) {
    std::vector<std::string> subjects;
    for (const Certificate& c : bundle) subjects.push_back("'" + c.subject().ToRfc4514() + "'");
    return MakeError(ErrorKind::kKeyMismatch,
                     absl::StrCat("the private key belongs to none of the ", bundle.size(),
                                  " certificate(s) in the bundle (",
                                  absl::StrJoin(subjects, ", "), ")"));
  }
  // Follow issuers within the bundle (bounded by its size: no loops).
  while (out.size() <= bundle.size() && !out.back().is_self_issued()) {
    const Certificate* next = nullptr;
    for (const Certificate& c : bundle) {
      if (c != out.back() && c.subject() == out.back().issuer()) next = &c;
    }
    if (next == nullptr) break;
    out.push_back(*next);
  }
  return out;
}

DistinguishedName DefaultCaSubject(absl::string_view cluster_name,
                                   absl::string_view organization) {
  uint8_t id[4];
  RAND_bytes(id, sizeof(id));
  std::string cn = "certkit CA";
  if (!cluster_name.empty()) absl::StrAppend(&cn, " ", cluster_name);
  absl::StrAppend(&cn, " ",
                  absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(id), 4)));
  std::vector<NameAttribute> rdns;
  if (!organization.empty()) rdns.push_back({"O", std::string(organization)});
  rdns.push_back({"CN", cn});
  return DistinguishedName(std::move(rdns));
}

}  // namespace certkit
