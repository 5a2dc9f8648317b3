// lib/verify/trust_index.h: TrustStore's prepared form: each anchor parsed
// once and indexed by subject, so a reused TrustStore costs no re-parsing.
#ifndef CERTKIT_LIB_VERIFY_TRUST_INDEX_H_
#define CERTKIT_LIB_VERIFY_TRUST_INDEX_H_

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "certkit/verify.h"
#include "verify/parsed_cert.h"

namespace certkit {

// Copying an Index copies pointers and integers only: the keys of by_der
// point into the DER held by the shared ParsedCerts.
struct TrustStore::Index {
  std::vector<Certificate> anchors;
  std::vector<std::shared_ptr<const verify_internal::ParsedCert>> parsed;
  std::unordered_multimap<uint32_t, size_t> by_subject;  // subject hash -> index
  std::unordered_map<std::string_view, size_t> by_der;    // DER -> index

  // Add inserts |anchor| (parsed as |cert|) unless its DER is present.
  void Add(const Certificate& anchor, std::shared_ptr<const verify_internal::ParsedCert> cert);
};

// TrustStoreAccess gives lib/verify the prepared index of a TrustStore: one
// snapshot, held for a whole verification.
struct TrustStoreAccess {
  using Index = TrustStore::Index;
  static std::shared_ptr<const Index> SnapshotOf(const TrustStore& trust) {
    return trust.Snapshot();
  }
};

}  // namespace certkit

#endif  // CERTKIT_LIB_VERIFY_TRUST_INDEX_H_
