#include "keystore/pkcs12_profiles.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "certkit/error.h"

namespace certkit {
namespace keystore {
namespace {

// The one table of PKCS#12 profiles.
constexpr Pkcs12ProfileSpec kProfiles[] = {
    {Pkcs12Profile::kModern, "modern", Pkcs12KeyProtection::kPbes2Aes256,
     Pkcs12CertProtection::kPbes2Aes256, Pkcs12Integrity::kHmacSha256,
     "PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) keys and certificates, HMAC-SHA256 MAC"},
    {Pkcs12Profile::kModern2026, "modern2026", Pkcs12KeyProtection::kPbes2Aes256,
     Pkcs12CertProtection::kPbes2Aes256, Pkcs12Integrity::kPbmac1HmacSha256,
     "PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) keys and certificates, PBMAC1 MAC "
     "(RFC 9579, HMAC-SHA256)"},
    {Pkcs12Profile::kLegacy, "legacy", Pkcs12KeyProtection::kPbeSha1TripleDes,
     Pkcs12CertProtection::kPbeSha1Rc2_40, Pkcs12Integrity::kHmacSha1,
     "PBEWithSHA1AndDESede keys, RC2-40 certificates, HMAC-SHA1 MAC (Java 8, OpenSSL 1.x)"},
    {Pkcs12Profile::kPasswordlessTruststore, "passwordless-truststore",
     Pkcs12KeyProtection::kNoKeysAllowed, Pkcs12CertProtection::kNone, Pkcs12Integrity::kNone,
     "certificates only, unencrypted, no MAC, no password"},
};

}  // namespace

const Pkcs12ProfileSpec& Pkcs12ProfileSpecFor(Pkcs12Profile profile) {
  for (const Pkcs12ProfileSpec& spec : kProfiles) {
    if (spec.profile == profile) return spec;
  }
  return kProfiles[0];
}

absl::StatusOr<Pkcs12Profile> EffectivePkcs12Profile(const SaveOptions& options) {
  if (!options.pkcs12_legacy) return options.pkcs12_profile;
  if (options.pkcs12_profile == Pkcs12Profile::kModern ||
      options.pkcs12_profile == Pkcs12Profile::kLegacy) {
    return Pkcs12Profile::kLegacy;
  }
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("SaveOptions.pkcs12_legacy (the legacy profile) conflicts with "
                                "PKCS#12 profile '",
                                Pkcs12ProfileName(options.pkcs12_profile), "': ask for one"));
}

}  // namespace keystore

absl::StatusOr<Pkcs12Profile> ParsePkcs12Profile(absl::string_view name) {
  const std::string lower = absl::AsciiStrToLower(name);
  for (const keystore::Pkcs12ProfileSpec& spec : keystore::kProfiles) {
    if (lower == spec.name) return spec.profile;
  }
  std::string shown;
  for (char c : name.substr(0, 64)) {
    shown += absl::ascii_isprint(static_cast<unsigned char>(c))
                 ? std::string(1, c)
                 : absl::StrCat("\\x", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
  }
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("unknown PKCS#12 profile '", shown, "' (valid: ",
                                Pkcs12ProfileNames(), ")"));
}

const char* Pkcs12ProfileName(Pkcs12Profile profile) {
  return keystore::Pkcs12ProfileSpecFor(profile).name;
}

std::string Pkcs12ProfileNames() {
  std::string out;
  for (const keystore::Pkcs12ProfileSpec& spec : keystore::kProfiles) {
    absl::StrAppend(&out, out.empty() ? "" : "|", spec.name);
  }
  return out;
}

}  // namespace certkit
