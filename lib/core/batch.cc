#include "certkit/batch.h"

#include <atomic>
#include <exception>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "util/parallel.h"

namespace certkit {

absl::StatusOr<IssuedCertificate> IssueOne(const CertificateAuthority& ca, const BatchItem& item) {
  struct Visitor {
    const CertificateAuthority& ca;
    const BatchItem& item;
    absl::StatusOr<IssuedCertificate> operator()(const KeySpec& spec) const {
      auto key = PrivateKey::Generate(spec);
      if (!key.ok()) return key.status();
      auto cert = ca.SignPublicKey(key->public_key(), item.profile, item.options);
      if (!cert.ok()) return cert.status();
      return IssuedCertificate{*std::move(cert), *std::move(key)};
    }
    absl::StatusOr<IssuedCertificate> operator()(const PublicKey& key) const {
      auto cert = ca.SignPublicKey(key, item.profile, item.options);
      if (!cert.ok()) return cert.status();
      return IssuedCertificate{*std::move(cert), std::nullopt};
    }
    absl::StatusOr<IssuedCertificate> operator()(const CertificateRequest& csr) const {
      auto cert = ca.SignRequest(csr, item.profile, item.options);
      if (!cert.ok()) return cert.status();
      return IssuedCertificate{*std::move(cert), std::nullopt};
    }
  };
  return std::visit(Visitor{ca, item}, item.subject_key);
}

std::vector<absl::StatusOr<IssuedCertificate>> IssueBatch(const CertificateAuthority& ca,
                                                          absl::Span<const BatchItem> items,
                                                          const BatchOptions& options) {
  const size_t total = items.size();
  std::vector<absl::StatusOr<IssuedCertificate>> results(
      total, MakeError(ErrorKind::kCancelled, "cancelled before this item started"));
  std::mutex progress_mu;  // serializes progress calls and |done|
  size_t done = 0;
  bool cancelled = false;
  std::atomic<bool> failed{false};
  RunParallel(total, options.jobs, [&](size_t i) {
    absl::StatusOr<IssuedCertificate> r = absl::UnknownError("");
    try {  // an exception must not end the worker thread (std::terminate)
      r = IssueOne(ca, items[i]);
      if (r.ok() && options.on_issued) {
        absl::Status s = options.on_issued(i, *r);
        if (!s.ok()) r = std::move(s);
      }
    } catch (const std::exception& e) {
      r = MakeError(ErrorKind::kInternal, absl::StrCat("internal error: ", e.what()));
    }
    const bool ok = r.ok();
    results[i] = std::move(r);
    if (!ok) failed.store(true, std::memory_order_relaxed);
    bool keep_going = !(options.stop_on_error && failed.load(std::memory_order_relaxed));
    if (options.progress) {
      std::lock_guard<std::mutex> lock(progress_mu);
      if (!cancelled && !options.progress(++done, total)) cancelled = true;
      if (cancelled) keep_going = false;
    }
    return keep_going;
  });
  return results;
}

}  // namespace certkit
