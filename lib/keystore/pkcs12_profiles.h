// lib/keystore/pkcs12_profiles.h (internal): the PKCS#12 profiles as data.
// One row per certkit::Pkcs12Profile says how keys and certificate bags are
// encrypted and how the file is authenticated; SavePkcs12 follows the row,
// the CLI, the C ABI and the bindings only name a profile.
#ifndef CERTKIT_LIB_KEYSTORE_PKCS12_PROFILES_H_
#define CERTKIT_LIB_KEYSTORE_PKCS12_PROFILES_H_

#include "absl/status/statusor.h"
#include "certkit/keystore.h"

namespace certkit {
namespace keystore {

enum class Pkcs12KeyProtection { kPbes2Aes256, kPbeSha1TripleDes, kNoKeysAllowed };
enum class Pkcs12CertProtection { kPbes2Aes256, kPbeSha1Rc2_40, kNone };
enum class Pkcs12Integrity { kHmacSha256, kHmacSha1, kPbmac1HmacSha256, kNone };

struct Pkcs12ProfileSpec {
  Pkcs12Profile profile;
  const char* name;
  Pkcs12KeyProtection keys;
  Pkcs12CertProtection certs;
  Pkcs12Integrity integrity;
  const char* summary;  // one line, for errors and docs
};

// Pkcs12ProfileSpecFor returns the row of |profile|.
const Pkcs12ProfileSpec& Pkcs12ProfileSpecFor(Pkcs12Profile profile);

// EffectivePkcs12Profile folds the deprecated SaveOptions.pkcs12_legacy into
// the profile (see SaveOptions); kInvalidArgument when they disagree.
absl::StatusOr<Pkcs12Profile> EffectivePkcs12Profile(const SaveOptions& options);

}  // namespace keystore
}  // namespace certkit

#endif  // CERTKIT_LIB_KEYSTORE_PKCS12_PROFILES_H_
