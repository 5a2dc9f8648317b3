// capi/batch.cc: the certkit_batch_* functions over IssueBatch
// (certkit/batch.h). Only translation: items, results and the progress
// callback are passed through.
#include "capi/internal.h"
#include "absl/strings/str_cat.h"
#include "certkit/batch.h"

using certkit::ErrorKind;
using certkit::MakeError;
using certkit::capi::Guard;
using certkit::capi::Len;
using certkit::capi::New;
using certkit::capi::Text;

struct CertkitBatch {
  certkit::CertificateAuthority ca;
  std::vector<certkit::BatchItem> items;
  // Empty until the batch ran; one result per item after.
  std::vector<absl::StatusOr<certkit::IssuedCertificate>> results;
};

namespace {

// AddItem appends an item with |subject_key|, |profile| and |options|.
template <typename SubjectKey>
absl::Status AddItem(CertkitBatch* batch, SubjectKey subject_key, const CertkitProfile* profile,
                     const CertkitIssueOptions* options) {
  CK_REQUIRE(profile);
  certkit::BatchItem item;
  item.subject_key = std::move(subject_key);
  item.profile = profile->profile;
  if (options != nullptr) item.options = options->options;
  batch->items.push_back(std::move(item));
  batch->results.clear();
  return absl::OkStatus();
}

// ItemStatus returns item |index|'s outcome in |status|, or (as its own
// result) why the batch has none for that index.
absl::Status ItemStatus(const CertkitBatch* batch, size_t index, absl::Status* status) {
  if (batch->results.empty() && !batch->items.empty()) {
    return MakeError(ErrorKind::kInvalidArgument, "the batch has not run");
  }
  if (index >= batch->results.size()) {
    return MakeError(ErrorKind::kLimitExceeded,
                     absl::StrCat("item ", index, " is out of range (the batch has ",
                                  batch->results.size(), " items)"));
  }
  *status = batch->results[index].status();
  return absl::OkStatus();
}

// Result returns item |index|'s issued certificate, or its error.
absl::StatusOr<const certkit::IssuedCertificate*> Result(const CertkitBatch* batch,
                                                         size_t index) {
  absl::Status item;
  CK_RETURN_IF_ERROR(ItemStatus(batch, index, &item));
  CK_RETURN_IF_ERROR(item);
  return &*batch->results[index];
}

}  // namespace

extern "C" {

CertkitError certkit_batch_new(const CertkitCa* ca, CertkitBatch** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ca);
    CK_REQUIRE(out);
    *out = New<CertkitBatch>(ca->ca, std::vector<certkit::BatchItem>(),
                             std::vector<absl::StatusOr<certkit::IssuedCertificate>>());
    return absl::OkStatus();
  });
}

void certkit_batch_free(CertkitBatch* batch) { delete batch; }

CertkitError certkit_batch_add_new_key_n(CertkitBatch* batch, const char* key_spec,
                                         size_t key_spec_length, const CertkitProfile* profile,
                                         const CertkitIssueOptions* options) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(batch);
    CK_ASSIGN(absl::string_view text, Text(key_spec, key_spec_length, "key_spec"));
    CK_ASSIGN(certkit::KeySpec spec, certkit::KeySpec::Parse(text));
    return AddItem(batch, spec, profile, options);
  });
}

CertkitError certkit_batch_add_new_key(CertkitBatch* batch, const char* key_spec,
                                       const CertkitProfile* profile,
                                       const CertkitIssueOptions* options) {
  return certkit_batch_add_new_key_n(batch, key_spec, Len(key_spec), profile, options);
}

CertkitError certkit_batch_add_key(CertkitBatch* batch, const CertkitKey* key,
                                   const CertkitProfile* profile,
                                   const CertkitIssueOptions* options) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(batch);
    CK_REQUIRE(key);
    return AddItem(batch, key->key.public_key(), profile, options);
  });
}

CertkitError certkit_batch_add_public_key_pem_n(CertkitBatch* batch, const char* pem,
                                                size_t pem_length, const CertkitProfile* profile,
                                                const CertkitIssueOptions* options) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(batch);
    CK_ASSIGN(absl::string_view text, Text(pem, pem_length, "pem"));
    CK_ASSIGN(certkit::PublicKey key, certkit::PublicKey::FromPem(text));
    return AddItem(batch, std::move(key), profile, options);
  });
}

CertkitError certkit_batch_add_public_key_pem(CertkitBatch* batch, const char* pem,
                                              const CertkitProfile* profile,
                                              const CertkitIssueOptions* options) {
  return certkit_batch_add_public_key_pem_n(batch, pem, Len(pem), profile, options);
}

CertkitError certkit_batch_add_csr(CertkitBatch* batch, const CertkitCsr* csr,
                                   const CertkitProfile* profile,
                                   const CertkitIssueOptions* options) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(batch);
    CK_REQUIRE(csr);
    return AddItem(batch, csr->csr, profile, options);
  });
}

size_t certkit_batch_size(const CertkitBatch* batch) {
  return batch == nullptr ? 0 : batch->items.size();
}

CertkitError certkit_batch_run(CertkitBatch* batch, int jobs, CertkitProgressCallback progress,
                               void* user) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(batch);
    if (jobs < 0) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("jobs must be 0 (all cores) or more, not ", jobs));
    }
    certkit::BatchOptions options;
    options.jobs = jobs;
    bool cancelled = false;  // written under IssueBatch's progress lock
    if (progress != nullptr) {
      options.progress = [&](size_t done, size_t total) {
        if (progress(done, total, user) == 0) return true;
        cancelled = true;
        return false;
      };
    }
    batch->results = certkit::IssueBatch(batch->ca, batch->items, options);
    if (cancelled) {
      return MakeError(ErrorKind::kCancelled, "the progress callback cancelled the batch");
    }
    return absl::OkStatus();
  });
}

CertkitError certkit_batch_item_error(const CertkitBatch* batch, size_t index,
                                      CertkitError* code, char** message,
                                      size_t* message_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(batch);
    CK_REQUIRE(code);
    absl::Status item;
    CK_RETURN_IF_ERROR(ItemStatus(batch, index, &item));
    if (message != nullptr) {
      CK_RETURN_IF_ERROR(certkit::capi::OutputText(item.message(), message, message_length));
    }
    *code = static_cast<CertkitError>(certkit::GetErrorKind(item));
    return absl::OkStatus();
  });
}

CertkitError certkit_batch_item_cert(const CertkitBatch* batch, size_t index, CertkitCert** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(batch);
    CK_REQUIRE(out);
    CK_ASSIGN(const certkit::IssuedCertificate* issued, Result(batch, index));
    *out = New<CertkitCert>(issued->certificate);
    return absl::OkStatus();
  });
}

CertkitError certkit_batch_item_key(const CertkitBatch* batch, size_t index, CertkitKey** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(batch);
    CK_REQUIRE(out);
    CK_ASSIGN(const certkit::IssuedCertificate* issued, Result(batch, index));
    if (!issued->private_key.has_value()) {
      return MakeError(ErrorKind::kNotFound,
                       absl::StrCat("item ", index, " has no generated key (it was not a new-key item)"));
    }
    *out = New<CertkitKey>(*issued->private_key);
    return absl::OkStatus();
  });
}

}  // extern "C"
