// lib/verify/trust_index.h: TrustStore's prepared form: each anchor parsed
// once and indexed by subject, so a reused TrustStore costs no re-parsing.
#ifndef CERTKIT_LIB_VERIFY_TRUST_INDEX_H_
#define CERTKIT_LIB_VERIFY_TRUST_INDEX_H_

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "certkit/verify.h"
#include "verify/parsed_cert.h"

namespace certkit {

struct TrustStore::Index {
  std::vector<Certificate> anchors;
  std::vector<std::shared_ptr<const verify_internal::ParsedCert>> parsed;
  std::unordered_multimap<uint32_t, size_t> by_subject;  // subject hash -> index
  std::unordered_map<std::string, size_t> by_der;         // DER -> index

  void Add(const Certificate& anchor);
};

// TrustStoreAccess gives lib/verify the prepared index of a TrustStore.
struct TrustStoreAccess {
  using Index = TrustStore::Index;
  static const TrustStore::Index& IndexOf(const TrustStore& trust) { return *trust.index_; }
};

}  // namespace certkit

#endif  // CERTKIT_LIB_VERIFY_TRUST_INDEX_H_
