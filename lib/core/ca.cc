#include "certkit/ca.h"

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "certkit/error.h"
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

// The issuing side of a signature: the CA's name, key, key identifier and
// validity end (absent when self-signing a root).
struct Issuer {
  // The issuer's subject exactly as encoded in its certificate; nullptr when
  // self-signing.
  const X509_NAME* name = nullptr;
  const PrivateKey* key = nullptr;
  Bytes key_id;
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
                                  "); ask for fewer days or allow_beyond_issuer"));
  }
  return v;
}

absl::Status SetTime(X509* x, absl::Time t, bool before) {
  bssl::UniquePtr<ASN1_TIME> at(ASN1_TIME_set(nullptr, static_cast<time_t>(absl::ToUnixSeconds(t))));
  if (!at || !(before ? X509_set1_notBefore(x, at.get()) : X509_set1_notAfter(x, at.get()))) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("cannot encode the time ", Utc(t)));
  }
  return absl::OkStatus();
}

// Issue builds and signs one v3 certificate.
absl::StatusOr<Certificate> Issue(const DistinguishedName& subject, const PublicKey& subject_key,
                                  const Profile& profile, const std::vector<SubjectAltName>& sans,
                                  const Validity& validity, const Issuer& issuer) {
  bssl::UniquePtr<X509> x(X509_new());
  if (!x || !X509_set_version(x.get(), X509_VERSION_3)) {
    return MakeError(ErrorKind::kInternal, "out of memory");
  }
  const Bytes serial = RandomSerial();
  bssl::UniquePtr<BIGNUM> bn(BN_bin2bn(serial.data(), serial.size(), nullptr));
  bssl::UniquePtr<ASN1_INTEGER> serial_int(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
  if (!serial_int || !X509_set_serialNumber(x.get(), serial_int.get())) {
    return MakeError(ErrorKind::kInternal, "cannot set the serial number");
  }
  auto subject_name = subject.ToX509Name();
  if (!subject_name.ok()) return subject_name.status();
  X509_NAME* issuer_name =
      issuer.name != nullptr ? const_cast<X509_NAME*>(issuer.name) : subject_name->get();
  if (!X509_set_subject_name(x.get(), subject_name->get()) ||
      !X509_set_issuer_name(x.get(), issuer_name) ||
      !X509_set_pubkey(x.get(), subject_key.native())) {
    return MakeError(ErrorKind::kInternal, "cannot set the names or the public key");
  }
  if (auto st = SetTime(x.get(), validity.not_before, true); !st.ok()) return st;
  if (auto st = SetTime(x.get(), validity.not_after, false); !st.ok()) return st;

  // SKI: SHA-1 of the subjectPublicKey BIT STRING (RFC 5280 4.2.1.2 (1)).
  uint8_t ski_buf[EVP_MAX_MD_SIZE];
  unsigned ski_len = 0;
  if (!X509_pubkey_digest(x.get(), EVP_sha1(), ski_buf, &ski_len)) {
    return MakeError(ErrorKind::kInternal, "cannot hash the public key");
  }
  const Bytes ski(ski_buf, ski_buf + ski_len);

  std::vector<absl::StatusOr<x509ext::ExtensionPtr>> exts;
  if (profile.is_ca || profile.basic_constraints) {
    exts.push_back(x509ext::BasicConstraints(profile.is_ca, profile.path_len));
  }
  const uint32_t key_usage = KeyUsageForKey(profile.key_usage, subject_key.type());
  if (key_usage != 0) exts.push_back(x509ext::KeyUsage(key_usage));
  if (!profile.extended_key_usage.empty()) {
    exts.push_back(x509ext::ExtendedKeyUsage(profile.extended_key_usage));
  }
  exts.push_back(x509ext::SubjectKeyId(ski));
  exts.push_back(x509ext::AuthorityKeyId(issuer.name != nullptr ? issuer.key_id : ski));
  if (profile.allow_sans && !sans.empty()) {
    exts.push_back(x509ext::SubjectAltNames(sans, subject.empty()));
  }
  if (profile.is_ca && !profile.name_constraints.empty()) {
    exts.push_back(x509ext::NameConstraintsExt(profile.name_constraints));
  }
  for (auto& ext : exts) {
    if (!ext.ok()) return ext.status();
    if (!X509_add_ext(x.get(), ext->get(), -1)) {
      return MakeError(ErrorKind::kInternal, "cannot add an extension");
    }
  }
  if (X509_sign(x.get(), issuer.key->native(), DefaultDigest(*issuer.key)) <= 0) {
    return MakeError(ErrorKind::kInternal,
                     absl::StrCat("cannot sign with the ", issuer.key->Describe(), " CA key"));
  }
  // Re-parse so the certificate holds its canonical cached encoding.
  uint8_t* der = nullptr;
  const int len = i2d_X509(x.get(), &der);
  if (len <= 0) return MakeError(ErrorKind::kInternal, "cannot encode the certificate");
  auto cert = Certificate::FromDer(absl::MakeConstSpan(der, len));
  OPENSSL_free(der);
  return cert;
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

std::vector<Certificate> CertificateAuthority::ChainWithSelf() const {
  std::vector<Certificate> out{cert_};
  out.insert(out.end(), chain_.begin(), chain_.end());
  return out;
}

absl::StatusOr<CertificateAuthority> CertificateAuthority::CreateRoot(const CaOptions& options) {
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
  return CertificateAuthority(*std::move(cert), *std::move(key), {});
}

absl::StatusOr<CertificateAuthority> CertificateAuthority::CreateIntermediate(
    const CertificateAuthority& parent, const CaOptions& options) {
  if (options.subject.empty()) {
    return MakeError(ErrorKind::kInvalidArgument, "an intermediate CA needs a subject");
  }
  auto ca_profile = CaProfile(Profile::Intermediate(options.path_len.value_or(0)), options);
  if (!ca_profile.ok()) return ca_profile.status();
  const Profile& profile = *ca_profile;
  if (auto st = CheckParentAllowsCa(parent.cert_, profile.path_len); !st.ok()) return st;
  auto key = KeyFor(options);
  if (!key.ok()) return key.status();
  Issuer issuer;
  issuer.name = X509_get_subject_name(parent.cert_.native());
  issuer.key = &parent.key_;
  issuer.key_id = IssuerKeyId(parent.cert_);
  issuer.not_after = parent.cert_.not_after();
  issuer.cert = &parent.cert_;
  auto validity =
      ComputeValidity(options.days, options.not_before, issuer, options.allow_beyond_issuer);
  if (!validity.ok()) return validity.status();
  auto cert = Issue(options.subject, key->public_key(), profile, {}, *validity, issuer);
  if (!cert.ok()) return cert.status();
  return CertificateAuthority(*std::move(cert), *std::move(key), parent.ChainWithSelf());
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
  return CertificateAuthority(*std::move(parsed), key, std::move(chain));
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
  // Re-import the subject key under the key policy (weak RSA, odd curves).
  auto checked = PublicKey::FromSpkiDer(key.ToSpkiDer(), options.key_policy);
  if (!checked.ok()) {
    return Annotate(checked.status(),
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
  for (const Certificate& ca : ChainWithSelf()) {
    if (auto st = name_match::CheckSansAgainstCa(ca, sans); !st.ok()) return st;
  }
  Issuer issuer;
  issuer.name = X509_get_subject_name(cert_.native());
  issuer.key = &key_;
  issuer.key_id = IssuerKeyId(cert_);
  issuer.not_after = cert_.not_after();
  issuer.cert = &cert_;
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
