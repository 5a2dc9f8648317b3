// certkit inspect FILE
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "certkit/cert.h"
#include "certkit/csr.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "certkit/keystore.h"
#include "commands.h"
#include "common.h"
#include "describe.h"
#include "output.h"
#include "password.h"
#include "util/pem_blocks.h"

namespace certkit_cli {
namespace {

using nlohmann::json;

struct InspectArgs {
  std::string file;
  std::string storepass;
  std::string passin;
};

struct Described {
  json j;
  std::string text;
};

// DescribePemBlock describes one PEM block; unknown labels are reported, not errors.
absl::StatusOr<Described> DescribePemBlock(const certkit::pem::Block& block,
                                           const InspectArgs& a) {
  const std::string& label = block.label;
  if (label == "CERTIFICATE" || label == "X509 CERTIFICATE" || label == "TRUSTED CERTIFICATE") {
    auto cert = certkit::Certificate::FromDer(block.der);
    if (!cert.ok()) return cert.status();
    return Described{CertificateJson(*cert), cert->Summary()};
  }
  if (label == "CERTIFICATE REQUEST" || label == "NEW CERTIFICATE REQUEST") {
    auto csr = certkit::CertificateRequest::FromDer(block.der);
    if (!csr.ok()) return csr.status();
    return Described{CsrJson(*csr), CsrText(*csr)};
  }
  if (label == "PRIVATE KEY" || label == "RSA PRIVATE KEY" || label == "EC PRIVATE KEY" ||
      label == "ENCRYPTED PRIVATE KEY") {
    std::string password;
    if (label == "ENCRYPTED PRIVATE KEY" || !block.Header("DEK-Info").empty()) {
      PasswordRequest req;
      req.spec = a.passin;
      req.what = "key password";
      req.flag = "--passin";
      auto p = ResolvePassword(req);
      if (!p.ok()) return p.status();
      password = p->value;
    }
    auto key = certkit::PrivateKey::FromPem(certkit::pem::Encode(label, block.der, block.headers),
                                            password);
    if (!key.ok()) return key.status();
    return Described{KeyJson(*key), KeyText(*key)};
  }
  if (label == "PUBLIC KEY") {
    auto key = certkit::PublicKey::FromSpkiDer(block.der);
    if (!key.ok()) return key.status();
    json j = PublicKeyJson(*key);
    j["type"] = "public_key";
    return Described{j, absl::StrCat("Public key: ", key->Describe(), "\n")};
  }
  return Described{json{{"type", "unknown"}, {"pem_label", label}},
                   absl::StrCat("PEM block '", Esc(label), "' (not interpreted)\n")};
}

absl::StatusOr<std::vector<Described>> DescribeFile(const InspectArgs& a) {
  auto data = ReadInput(a.file);
  if (!data.ok()) return data.status();
  std::vector<Described> out;
  if (certkit::pem::LooksLikePem(*data)) {
    auto blocks = certkit::pem::Parse(
        absl::string_view(reinterpret_cast<const char*>(data->data()), data->size()));
    if (!blocks.ok()) return blocks.status();
    for (const auto& block : *blocks) {
      auto d = DescribePemBlock(block, a);
      if (!d.ok()) return d.status();
      out.push_back(*std::move(d));
    }
    return out;
  }
  if (auto cert = certkit::Certificate::FromDer(*data); cert.ok()) {
    out.push_back({CertificateJson(*cert), cert->Summary()});
    return out;
  }
  if (auto csr = certkit::CertificateRequest::FromDer(*data); csr.ok()) {
    out.push_back({CsrJson(*csr), CsrText(*csr)});
    return out;
  }
  auto format = certkit::DetectStoreFormat(*data);
  if (format.ok() && *format != certkit::StoreFormat::kPem) {
    PasswordRequest req;
    req.spec = a.storepass;
    auto p = ResolvePassword(req);
    if (!p.ok()) return p.status();
    auto store = certkit::KeyStore::Load(*data, p->value);
    if (!store.ok()) return store.status();
    out.push_back({StoreJson(*store), StoreText(*store, /*verbose=*/true)});
    return out;
  }
  if (auto key = certkit::PrivateKey::FromDer(*data); key.ok()) {
    out.push_back({KeyJson(*key), KeyText(*key)});
    return out;
  }
  if (auto pub = certkit::PublicKey::FromSpkiDer(*data); pub.ok()) {
    json j = PublicKeyJson(*pub);
    j["type"] = "public_key";
    out.push_back({j, absl::StrCat("Public key: ", pub->Describe(), "\n")});
    return out;
  }
  return certkit::MakeError(certkit::ErrorKind::kMalformed,
                            "not a certificate, CSR, key or key store (PEM or DER)");
}

int RunInspect(const InspectArgs& a) {
  auto described = DescribeFile(a);
  if (!described.ok()) {
    return PrintError(certkit::Annotate(described.status(), absl::StrCat("'", a.file, "'")));
  }
  // A private key readable by group/others is flagged (CockroachDB refuses it).
  std::string mode_problem;
  for (const auto& d : *described) {
    if (d.j.value("type", "") == "private_key") mode_problem = KeyFileModeProblem(a.file);
  }
  if (JsonMode()) {
    json objects = json::array();
    for (const auto& d : *described) objects.push_back(d.j);
    json out{{"file", a.file}, {"objects", objects}};
    if (!mode_problem.empty()) out["warnings"] = json::array({"private key file " + mode_problem});
    PrintJson(out);
  } else {
    for (size_t i = 0; i < described->size(); ++i) {
      if (i > 0) std::printf("\n");
      std::printf("%s", (*described)[i].text.c_str());
    }
    if (!mode_problem.empty()) {
      std::printf("Warning: private key file %s\n", Esc(mode_problem).c_str());
    }
  }
  return kExitOk;
}

}  // namespace

void RegisterInspectCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand(
      "inspect", "show a certificate, CSR, key or key store (format detected from the bytes)");
  cmd->add_option("file", args->file, "the file to inspect (- for standard input)")->required();
  AddPasswordOption(cmd, "--storepass", &args->storepass, "key store password");
  AddPasswordOption(cmd, "--passin", &args->passin, "password of an encrypted private key");
  SetExample(cmd, "certkit inspect demo/nodes/10.0.0.1/node.crt --json");
  cmd->callback([args, exit_code] { *exit_code = RunInspect(*args); });
}

}  // namespace certkit_cli
