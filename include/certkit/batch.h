// certkit/batch.h: issuing many certificates at once on a thread pool.
//
// IssueBatch signs N items with one CertificateAuthority. Each item names
// its subject key — a public key, a CSR (parsed once by the caller, its
// signature verified once while the item is issued) or a KeySpec (a fresh
// key is generated for it) — and its profile and IssueOptions exactly as
// CertificateAuthority::SignPublicKey / SignRequest take them. Every item
// gets its own result: an item's error never stops the others (unless the
// caller asks for that with BatchOptions::stop_on_error). `cluster
// init/add/renew`, the C ABI (certkit_batch_*) and the bindings issue
// through it.
#ifndef CERTKIT_BATCH_H_
#define CERTKIT_BATCH_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "certkit/ca.h"
#include "certkit/cert.h"
#include "certkit/csr.h"
#include "certkit/key.h"
#include "certkit/profile.h"

namespace certkit {

// BatchItem is one certificate to issue.
struct BatchItem {
  // The subject key: a KeySpec (a fresh key is generated; the default,
  // P-256), a public key (SignPublicKey: options.subject is required) or a
  // CSR (SignRequest: the policy decides the subject and SANs).
  std::variant<KeySpec, PublicKey, CertificateRequest> subject_key;
  Profile profile = Profile::Node();
  IssueOptions options;
};

// IssuedCertificate is an item's outcome.
struct IssuedCertificate {
  Certificate certificate;
  // The generated key, for KeySpec items only.
  std::optional<PrivateKey> private_key;
};

struct BatchOptions {
  // Worker threads, the calling thread included; 0 = the machine's
  // hardware concurrency.
  int jobs = 0;
  // progress(done, total) is called after each item finished (issued or
  // failed), from worker threads but never two at once, with |done| rising
  // by one per call. Returning false cancels the batch: no new item starts,
  // items already running finish (without further progress calls) and each
  // item not started gets kCancelled. Empty: no reports. Must not throw.
  std::function<bool(size_t done, size_t total)> progress;
  // on_issued(index, issued) runs on the worker thread right after item
  // |index| was issued and before its progress report, e.g. to write the
  // item's files there; a non-OK status becomes the item's result (so does
  // an exception, as kInternal).
  std::function<absl::Status(size_t index, const IssuedCertificate& issued)> on_issued;
  // After the first failed item no new item starts (the rest are
  // kCancelled). Off by default: every item is attempted.
  bool stop_on_error = false;
};

// IssueBatch issues |items| with |ca| (see BatchItem) and returns one
// result per item, in the order of |items|: the certificate (+ the key of a
// KeySpec item), or the error that item alone met, with the kind and
// message the single-item call would give (e.g. kBadSignature for a CSR
// whose signature does not verify, kNameConstraints for a SAN outside the
// CA's name constraints, kWeakParameter for a refused key). Thread-safe;
// |ca| is only read.
std::vector<absl::StatusOr<IssuedCertificate>> IssueBatch(const CertificateAuthority& ca,
                                                          absl::Span<const BatchItem> items,
                                                          const BatchOptions& options = {});

// IssueOne issues a single item on the calling thread, as IssueBatch would.
absl::StatusOr<IssuedCertificate> IssueOne(const CertificateAuthority& ca, const BatchItem& item);

}  // namespace certkit

#endif  // CERTKIT_BATCH_H_
