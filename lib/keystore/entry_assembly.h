// lib/keystore/entry_assembly.h (internal): turning the loose keys and
// certificates of a PKCS#12 or PEM file into KeyStore entries.
//
// Both formats store keys and certificates as separate items linked only by
// attributes (friendlyName, localKeyId) and by issuer names, so one routine
// decides, for both, which certificate is a key's leaf, how its chain is
// completed and which certificates are trusted entries of their own.
#ifndef CERTKIT_LIB_KEYSTORE_ENTRY_ASSEMBLY_H_
#define CERTKIT_LIB_KEYSTORE_ENTRY_ASSEMBLY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "certkit/cert.h"
#include "certkit/key.h"
#include "certkit/keystore.h"

namespace certkit {
namespace keystore {

struct LooseKey {
  PrivateKey key;
  std::string name;          // friendlyName ("" when absent)
  Bytes local_key_id;        // PKCS#12 localKeyId (empty when absent)
  absl::Time date;           // creation date
};

struct LooseCert {
  Certificate cert;
  std::string name;          // friendlyName ("" when absent)
  Bytes local_key_id;
  bool trusted = false;      // carries a trust marker (PKCS#12 Oracle attribute)
  absl::Time date;
};

// AssembleEntries builds the entries of a store, in this order:
//  * one private key entry per key: its leaf is the certificate with the same
//    localKeyId, else the first one carrying the key's public half; the chain
//    is completed from all certificates by issuer name AND signature (the
//    issuer's key verifies it), preferring certificates that are not
//    entries of their own (a certificate may be in several chains); the
//    alias is the key's name, else the leaf's, else "key-N";
//  * one trusted entry per remaining certificate that is marked trusted or
//    (with |named_certs_are_entries|, for PEM, which has no trust marker) is
//    in no chain at all or carries a name of its own; the alias is its name,
//    else "cert-N". Without |named_certs_are_entries| (PKCS#12, as the JDK
//    reads it) unmarked certificates outside every chain are dropped.
// Identical certificates are merged first (names and trust marks combined),
// so a CA that appears in several chains is one certificate.
// |format_name| prefixes error messages. Errors: kMalformed for a key without
// a certificate, kInvalidArgument when two entries claim the same alias,
// kLimitExceeded past 4096 signature checks.
absl::StatusOr<std::vector<KeyStoreEntry>> AssembleEntries(std::vector<LooseKey> keys,
                                                           std::vector<LooseCert> certs,
                                                           absl::string_view format_name,
                                                           bool named_certs_are_entries = false);

// CheckChainsSurvive runs AssembleEntries on the items the PKCS#12 writer
// (|pem| false) or the PEM store writer (|pem| true) makes of |entries|, in
// the writer's order and with its names, trust marks and localKeyIds, and
// fails with kInvalidArgument naming the key entry whose chain a reader
// would rebuild differently (e.g. a chain certificate whose key did not sign
// the one below it, next to a same-named certificate whose key did). A save
// that passes reads back with every key entry's chain unchanged.
absl::Status CheckChainsSurvive(const std::vector<KeyStoreEntry>& entries, bool pem,
                                absl::string_view format_name);

}  // namespace keystore
}  // namespace certkit

#endif  // CERTKIT_LIB_KEYSTORE_ENTRY_ASSEMBLY_H_
