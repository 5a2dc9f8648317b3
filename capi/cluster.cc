// capi/cluster.cc: the certkit_cluster_* functions over ClusterInit /
// ClusterAdd / ClusterRenew (certkit/cluster.h) and RotateCa
// (certkit/rotation.h). Only translation: the options fill the C++ specs,
// the manifest (and a rotation's result) comes back as JSON.
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "capi/internal.h"
#include "certkit/cluster.h"
#include "certkit/k8s.h"
#include "certkit/manifest.h"
#include "certkit/rotation.h"
#include "certkit/spiffe.h"

using certkit::ErrorKind;
using certkit::MakeError;
using certkit::capi::Guard;
using certkit::capi::Len;
using certkit::capi::OptionalText;
using certkit::capi::OutputText;
using certkit::capi::Text;

struct CertkitClusterOptions {
  std::vector<std::string> nodes;
  std::vector<std::string> clients;
  std::optional<certkit::KeySpec> key_spec;
  std::optional<certkit::LeafFormats> formats;
  std::optional<certkit::Pkcs12Profile> pkcs12_profile;
  std::string spiffe_id;  // template (certkit/spiffe.h); empty = not set
  std::string store_password;
  std::string truststore_password;
  std::string organization;
  std::optional<certkit::DistinguishedName> ca_subject;
  std::optional<certkit::KeySpec> ca_key_spec;
  int ca_days = 0;
  bool cross_sign = false;
  std::vector<std::string> reissue_only;
  int days = 0;
  int jobs = 0;
  bool overwrite = false;
  CertkitProgressCallback progress = nullptr;
  void* user = nullptr;

  ~CertkitClusterOptions() {
    // Wipe the passwords before their memory is released.
    for (std::string* pw : {&store_password, &truststore_password}) {
      volatile char* p = &(*pw)[0];
      for (size_t i = 0; i < pw->size(); ++i) p[i] = 0;
    }
  }
};

namespace {

// CallbackProgress reports leaves to a C progress callback.
class CallbackProgress : public certkit::ProgressObserver {
 public:
  CallbackProgress(CertkitProgressCallback fn, void* user) : fn_(fn), user_(user) {}
  void Begin(absl::string_view, size_t total) override {
    total_ = total;
    done_ = 0;
  }
  // Step and KeepGoing are called one at a time (IssueBatch's progress lock).
  void Step() override { keep_going_ = fn_(++done_, total_, user_) == 0; }
  void End() override {}
  bool KeepGoing() override { return keep_going_; }

 private:
  CertkitProgressCallback fn_;
  void* user_;
  size_t total_ = 0;
  size_t done_ = 0;
  bool keep_going_ = true;
};

// AttachProgress points |*observer| at a CallbackProgress held in |holder|
// when the caller set a progress callback.
void AttachProgress(const CertkitClusterOptions& o, std::optional<CallbackProgress>* holder,
                    certkit::ProgressObserver** observer) {
  if (o.progress == nullptr) return;
  holder->emplace(o.progress, o.user);
  *observer = &**holder;
}

// ApplyLeafOptions copies what the caller set into |leaf| (formats are
// init's alone: add and renew write what the manifest records).
void ApplyLeafOptions(const CertkitClusterOptions& o, certkit::LeafSettings* leaf) {
  if (o.key_spec.has_value()) leaf->key_spec = *o.key_spec;
  if (o.days > 0) leaf->days = o.days;
  if (!o.organization.empty()) leaf->organization = o.organization;
  if (o.pkcs12_profile.has_value()) leaf->pkcs12_profile = *o.pkcs12_profile;
  if (!o.spiffe_id.empty()) leaf->spiffe_id = o.spiffe_id;
  leaf->store_password = o.store_password;
  leaf->truststore_password = o.truststore_password;
}

// UpdateSpec is the spec of add/renew: the manifest's leaf settings with
// the caller's overrides.
absl::StatusOr<certkit::ClusterUpdateSpec> UpdateSpec(const CertkitClusterOptions& o,
                                                      absl::string_view dir) {
  certkit::ClusterUpdateSpec spec;
  spec.dir = std::string(dir);
  CK_ASSIGN(certkit::Manifest m, certkit::LoadManifest(spec.dir));
  CK_RETURN_IF_ERROR(certkit::LeafSettingsFromManifest(m, &spec.leaf));
  ApplyLeafOptions(o, &spec.leaf);
  spec.nodes = o.nodes;
  spec.clients = o.clients;
  spec.jobs = o.jobs;
  return spec;
}

// Source is the password source recorded in the manifest.
std::string Source(const certkit::LeafSettings& leaf, const std::string& password) {
  if (!leaf.write_jks && !leaf.write_p12) return "none";
  return password.empty() ? "none" : "caller";
}

// SetText is the body of the text setters.
template <typename Assign>
CertkitError SetText(CertkitClusterOptions* options, const char* text, size_t length,
                     const char* name, Assign assign) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    CK_ASSIGN(absl::string_view value, Text(text, length, name));
    return assign(value);
  });
}

// SetKeySpec is the body of set_key_spec_n and set_ca_key_spec_n.
CertkitError SetKeySpec(CertkitClusterOptions* options, const char* spec, size_t spec_length,
                        std::optional<certkit::KeySpec> CertkitClusterOptions::*field) {
  return SetText(options, spec, spec_length, "spec", [&](absl::string_view v) -> absl::Status {
    CK_ASSIGN(options->*field, certkit::KeySpec::Parse(v));
    return absl::OkStatus();
  });
}

// SetDays is the body of set_days and set_ca_days: 0 (the default) or a
// validity CheckValidityDays accepts.
CertkitError SetDays(CertkitClusterOptions* options, int days,
                     int CertkitClusterOptions::*field) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    if (days != 0) CK_RETURN_IF_ERROR(certkit::CheckValidityDays(days));
    options->*field = days;
    return absl::OkStatus();
  });
}

// SetFlag is the body of the on/off setters (nonzero is on).
CertkitError SetFlag(CertkitClusterOptions* options, int on,
                     bool CertkitClusterOptions::*field) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    options->*field = on != 0;
    return absl::OkStatus();
  });
}

// RefreshK8s writes the Kubernetes manifests of a cluster that records
// the "k8s" format, after its manifest (certkit/k8s.h).
absl::Status RefreshK8s(const std::string& dir, const certkit::Manifest& m,
                        const certkit::LeafSettings& leaf) {
  std::vector<std::string> written;
  return certkit::RefreshClusterK8s(dir, m, leaf, &written);
}

}  // namespace

extern "C" {

CertkitError certkit_cluster_options_new(CertkitClusterOptions** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(out);
    *out = new CertkitClusterOptions();  // NOLINT: owned by the C caller
    return absl::OkStatus();
  });
}

void certkit_cluster_options_free(CertkitClusterOptions* options) { delete options; }

CertkitError certkit_cluster_options_add_node_n(CertkitClusterOptions* options, const char* host,
                                                size_t host_length) {
  return SetText(options, host, host_length, "host", [&](absl::string_view v) {
    options->nodes.emplace_back(v);
    return absl::OkStatus();
  });
}

CertkitError certkit_cluster_options_add_node(CertkitClusterOptions* options, const char* host) {
  return certkit_cluster_options_add_node_n(options, host, Len(host));
}

CertkitError certkit_cluster_options_add_client_n(CertkitClusterOptions* options,
                                                  const char* user, size_t user_length) {
  return SetText(options, user, user_length, "user", [&](absl::string_view v) {
    options->clients.emplace_back(v);
    return absl::OkStatus();
  });
}

CertkitError certkit_cluster_options_add_client(CertkitClusterOptions* options,
                                                const char* user) {
  return certkit_cluster_options_add_client_n(options, user, Len(user));
}

CertkitError certkit_cluster_options_set_key_spec_n(CertkitClusterOptions* options,
                                                    const char* spec, size_t spec_length) {
  return SetKeySpec(options, spec, spec_length, &CertkitClusterOptions::key_spec);
}

CertkitError certkit_cluster_options_set_key_spec(CertkitClusterOptions* options,
                                                  const char* spec) {
  return certkit_cluster_options_set_key_spec_n(options, spec, Len(spec));
}

CertkitError certkit_cluster_options_set_formats_n(CertkitClusterOptions* options,
                                                   const char* formats, size_t formats_length) {
  return SetText(options, formats, formats_length, "formats",
                 [&](absl::string_view v) -> absl::Status {
                   CK_ASSIGN(options->formats, certkit::ParseLeafFormats({std::string(v)}));
                   return absl::OkStatus();
                 });
}

CertkitError certkit_cluster_options_set_formats(CertkitClusterOptions* options,
                                                 const char* formats) {
  return certkit_cluster_options_set_formats_n(options, formats, Len(formats));
}

CertkitError certkit_cluster_options_set_pkcs12_profile_n(CertkitClusterOptions* options,
                                                          const char* profile,
                                                          size_t profile_length) {
  return SetText(options, profile, profile_length, "profile",
                 [&](absl::string_view v) -> absl::Status {
                   CK_ASSIGN(options->pkcs12_profile, certkit::ParsePkcs12Profile(v));
                   return absl::OkStatus();
                 });
}

CertkitError certkit_cluster_options_set_pkcs12_profile(CertkitClusterOptions* options,
                                                        const char* profile) {
  return certkit_cluster_options_set_pkcs12_profile_n(options, profile, Len(profile));
}

CertkitError certkit_cluster_options_set_spiffe_id_n(CertkitClusterOptions* options,
                                                     const char* spiffe_id, size_t spiffe_id_length) {
  return SetText(options, spiffe_id, spiffe_id_length, "spiffe_id",
                 [&](absl::string_view v) -> absl::Status {
                   CK_RETURN_IF_ERROR(certkit::ValidateSpiffeIdTemplate(v));
                   options->spiffe_id = std::string(v);
                   return absl::OkStatus();
                 });
}

CertkitError certkit_cluster_options_set_spiffe_id(CertkitClusterOptions* options,
                                                   const char* spiffe_id) {
  return certkit_cluster_options_set_spiffe_id_n(options, spiffe_id, Len(spiffe_id));
}

CertkitError certkit_cluster_options_set_store_password_n(CertkitClusterOptions* options,
                                                          const char* password,
                                                          size_t password_length) {
  return SetText(options, password, password_length, "password", [&](absl::string_view v) {
    options->store_password.assign(v.data(), v.size());
    return absl::OkStatus();
  });
}

CertkitError certkit_cluster_options_set_store_password(CertkitClusterOptions* options,
                                                        const char* password) {
  return certkit_cluster_options_set_store_password_n(options, password, Len(password));
}

CertkitError certkit_cluster_options_set_truststore_password_n(CertkitClusterOptions* options,
                                                               const char* password,
                                                               size_t password_length) {
  return SetText(options, password, password_length, "password", [&](absl::string_view v) {
    options->truststore_password.assign(v.data(), v.size());
    return absl::OkStatus();
  });
}

CertkitError certkit_cluster_options_set_truststore_password(CertkitClusterOptions* options,
                                                             const char* password) {
  return certkit_cluster_options_set_truststore_password_n(options, password, Len(password));
}

CertkitError certkit_cluster_options_set_organization_n(CertkitClusterOptions* options,
                                                        const char* organization,
                                                        size_t organization_length) {
  return SetText(options, organization, organization_length, "organization",
                 [&](absl::string_view v) {
                   options->organization.assign(v.data(), v.size());
                   return absl::OkStatus();
                 });
}

CertkitError certkit_cluster_options_set_organization(CertkitClusterOptions* options,
                                                      const char* organization) {
  return certkit_cluster_options_set_organization_n(options, organization, Len(organization));
}

CertkitError certkit_cluster_options_set_ca_subject(CertkitClusterOptions* options,
                                                    const CertkitName* subject) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    CK_REQUIRE(subject);
    options->ca_subject = subject->name;
    return absl::OkStatus();
  });
}

CertkitError certkit_cluster_options_set_ca_key_spec_n(CertkitClusterOptions* options,
                                                       const char* spec, size_t spec_length) {
  return SetKeySpec(options, spec, spec_length, &CertkitClusterOptions::ca_key_spec);
}

CertkitError certkit_cluster_options_set_ca_key_spec(CertkitClusterOptions* options,
                                                     const char* spec) {
  return certkit_cluster_options_set_ca_key_spec_n(options, spec, Len(spec));
}

CertkitError certkit_cluster_options_set_ca_days(CertkitClusterOptions* options, int days) {
  return SetDays(options, days, &CertkitClusterOptions::ca_days);
}

CertkitError certkit_cluster_options_set_cross_sign(CertkitClusterOptions* options,
                                                    int cross_sign) {
  return SetFlag(options, cross_sign, &CertkitClusterOptions::cross_sign);
}

CertkitError certkit_cluster_options_add_reissue_only_n(CertkitClusterOptions* options,
                                                        const char* name, size_t name_length) {
  return SetText(options, name, name_length, "name", [&](absl::string_view v) {
    options->reissue_only.emplace_back(v);
    return absl::OkStatus();
  });
}

CertkitError certkit_cluster_options_add_reissue_only(CertkitClusterOptions* options,
                                                      const char* name) {
  return certkit_cluster_options_add_reissue_only_n(options, name, Len(name));
}

CertkitError certkit_cluster_options_set_days(CertkitClusterOptions* options, int days) {
  return SetDays(options, days, &CertkitClusterOptions::days);
}

CertkitError certkit_cluster_options_set_jobs(CertkitClusterOptions* options, int jobs) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    if (jobs < 0) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("jobs must be 0 (all cores) or more, not ", jobs));
    }
    options->jobs = jobs;
    return absl::OkStatus();
  });
}

CertkitError certkit_cluster_options_set_overwrite(CertkitClusterOptions* options,
                                                   int overwrite) {
  return SetFlag(options, overwrite, &CertkitClusterOptions::overwrite);
}

CertkitError certkit_cluster_options_set_progress(CertkitClusterOptions* options,
                                                  CertkitProgressCallback progress,
                                                  void* user) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    options->progress = progress;
    options->user = user;
    return absl::OkStatus();
  });
}

CertkitError certkit_cluster_init_n(const CertkitClusterOptions* options, const char* dir,
                                    size_t dir_length, char** manifest_json,
                                    size_t* manifest_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    CK_REQUIRE(manifest_json);
    CK_ASSIGN(absl::string_view out_dir, Text(dir, dir_length, "dir"));
    certkit::ClusterInitSpec spec;
    spec.out_dir = std::string(out_dir);
    spec.nodes = options->nodes;
    spec.clients = options->clients;
    certkit::LeafFormats formats;
    if (options->formats.has_value()) {
      formats = *options->formats;
    } else {
      CK_ASSIGN(formats, certkit::ParseLeafFormats({"pem,jks,p12"}));
    }
    spec.leaf.write_jks = formats.jks;
    spec.leaf.write_p12 = formats.p12;
    spec.formats = formats.names;
    ApplyLeafOptions(*options, &spec.leaf);
    spec.leaf.overwrite = options->overwrite;
    spec.ca.key_spec = options->ca_key_spec.value_or(spec.leaf.key_spec);
    if (options->ca_subject.has_value()) spec.ca.subject = *options->ca_subject;
    if (options->ca_days > 0) spec.ca.days = options->ca_days;
    spec.store_password_source = Source(spec.leaf, spec.leaf.store_password);
    spec.truststore_password_source =
        Source(spec.leaf, spec.leaf.truststore_password.empty() ? spec.leaf.store_password
                                                                : spec.leaf.truststore_password);
    spec.jobs = options->jobs;
    std::optional<CallbackProgress> progress;
    AttachProgress(*options, &progress, &spec.progress);
    CK_ASSIGN(certkit::Manifest m, certkit::ClusterInit(spec));
    CK_RETURN_IF_ERROR(RefreshK8s(spec.out_dir, m, spec.leaf));
    return OutputText(certkit::ManifestToJson(m), manifest_json, manifest_length);
  });
}

CertkitError certkit_cluster_init(const CertkitClusterOptions* options, const char* dir,
                                  char** manifest_json, size_t* manifest_length) {
  return certkit_cluster_init_n(options, dir, Len(dir), manifest_json, manifest_length);
}

CertkitError certkit_cluster_add_n(const CertkitClusterOptions* options, const char* dir,
                                   size_t dir_length, char** manifest_json,
                                   size_t* manifest_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    CK_REQUIRE(manifest_json);
    CK_ASSIGN(absl::string_view cluster_dir, Text(dir, dir_length, "dir"));
    CK_ASSIGN(certkit::ClusterUpdateSpec spec, UpdateSpec(*options, cluster_dir));
    std::optional<CallbackProgress> progress;
    AttachProgress(*options, &progress, &spec.progress);
    CK_ASSIGN(certkit::Manifest m, certkit::ClusterAdd(spec));
    CK_RETURN_IF_ERROR(RefreshK8s(spec.dir, m, spec.leaf));
    return OutputText(certkit::ManifestToJson(m), manifest_json, manifest_length);
  });
}

CertkitError certkit_cluster_add(const CertkitClusterOptions* options, const char* dir,
                                 char** manifest_json, size_t* manifest_length) {
  return certkit_cluster_add_n(options, dir, Len(dir), manifest_json, manifest_length);
}

CertkitError certkit_cluster_renew_n(const CertkitClusterOptions* options, const char* dir,
                                     size_t dir_length, int64_t within_seconds,
                                     char** manifest_json, size_t* manifest_length,
                                     char** renewed_json) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    CK_REQUIRE(manifest_json);
    CK_ASSIGN(absl::string_view cluster_dir, Text(dir, dir_length, "dir"));
    if (within_seconds < 0) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("within_seconds must be 0 or more, not ", within_seconds));
    }
    CK_ASSIGN(certkit::ClusterUpdateSpec spec, UpdateSpec(*options, cluster_dir));
    spec.within = absl::Seconds(within_seconds);
    std::optional<CallbackProgress> progress;
    AttachProgress(*options, &progress, &spec.progress);
    std::vector<std::string> renewed;
    CK_ASSIGN(certkit::Manifest m, certkit::ClusterRenew(spec, &renewed));
    CK_RETURN_IF_ERROR(RefreshK8s(spec.dir, m, spec.leaf));
    std::string renewed_text;
    if (renewed_json != nullptr) renewed_text = nlohmann::json(renewed).dump();
    char* manifest = nullptr;
    size_t length = 0;
    CK_RETURN_IF_ERROR(OutputText(certkit::ManifestToJson(m), &manifest, &length));
    if (renewed_json != nullptr) {
      absl::Status s = OutputText(renewed_text, renewed_json, nullptr);
      if (!s.ok()) {
        certkit_buffer_free(manifest);
        return s;
      }
    }
    *manifest_json = manifest;
    if (manifest_length != nullptr) *manifest_length = length;
    return absl::OkStatus();
  });
}

CertkitError certkit_cluster_renew(const CertkitClusterOptions* options, const char* dir,
                                   int64_t within_seconds, char** manifest_json,
                                   size_t* manifest_length, char** renewed_json) {
  return certkit_cluster_renew_n(options, dir, Len(dir), within_seconds, manifest_json,
                                 manifest_length, renewed_json);
}

CertkitError certkit_cluster_rotate_ca_n(const CertkitClusterOptions* options, const char* dir,
                                        size_t dir_length, const char* stage,
                                        size_t stage_length, char** result_json,
                                        size_t* result_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    CK_REQUIRE(result_json);
    CK_ASSIGN(absl::string_view cluster_dir, Text(dir, dir_length, "dir"));
    CK_ASSIGN(std::optional<absl::string_view> stage_name,
              OptionalText(stage, stage_length, "stage"));
    certkit::RotationSpec spec;
    if (stage_name.has_value()) {
      CK_ASSIGN(spec.stage, certkit::ParseRotationStage(*stage_name));
    }
    CK_ASSIGN(certkit::ClusterUpdateSpec update, UpdateSpec(*options, cluster_dir));
    spec.dir = update.dir;
    spec.leaf = update.leaf;
    if (options->ca_subject.has_value()) spec.ca_subject = *options->ca_subject;
    spec.ca_key_spec = options->ca_key_spec;
    if (options->ca_days > 0) spec.ca_days = options->ca_days;
    spec.cross_sign = options->cross_sign;
    spec.only = options->reissue_only;
    spec.jobs = options->jobs;
    std::optional<CallbackProgress> progress;
    AttachProgress(*options, &progress, &spec.progress);
    CK_ASSIGN(certkit::RotationResult r, certkit::RotateCa(spec));
    CK_RETURN_IF_ERROR(RefreshK8s(spec.dir, r.manifest, spec.leaf));
    return OutputText(certkit::RotationResultJson(r, /*with_manifest=*/true), result_json, result_length);
  });
}

CertkitError certkit_cluster_rotate_ca(const CertkitClusterOptions* options, const char* dir,
                                      const char* stage, char** result_json,
                                      size_t* result_length) {
  return certkit_cluster_rotate_ca_n(options, dir, Len(dir), stage, Len(stage), result_json,
                                     result_length);
}

}  // extern "C"
