// certkit inspect FILE
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "certkit/cert.h"
#include "certkit/csr.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "certkit/keystore.h"
#include "certkit/objects.h"
#include "commands.h"
#include "common.h"
#include "describe.h"
#include "password.h"

namespace certkit_cli {
namespace {

using nlohmann::json;

struct InspectArgs {
  std::string file;
  bool json = false;
  std::string storepass;
  std::string passin;
};

struct Described {
  json j;
  std::string text;
};

// ResolveArgPassword obtains the password given by |spec| (--passin or
// --storepass), prompting when none is given on a terminal.
absl::StatusOr<std::string> ResolveArgPassword(const std::string& spec, const char* what,
                                               const char* flag) {
  PasswordRequest req;
  req.spec = spec;
  req.what = what;
  req.flag = flag;
  auto p = ResolvePassword(req);
  if (!p.ok()) return p.status();
  return p->value;
}

// Describe describes one object of the file; PEM blocks with labels certkit
// does not interpret are reported, not errors.
absl::StatusOr<Described> Describe(const certkit::InputObject& o, const InspectArgs& a) {
  using Kind = certkit::InputObject::Kind;
  if (!o.status.ok()) return o.status;
  switch (o.kind) {
    case Kind::kCertificate:
      return Described{CertificateJson(*o.certificate), o.certificate->Summary()};
    case Kind::kCertificateRequest:
      return Described{CsrJson(*o.request), CsrText(*o.request)};
    case Kind::kPrivateKey: {
      std::string password;
      if (o.encrypted) {
        auto p = ResolveArgPassword(a.passin, "key password", "--passin");
        if (!p.ok()) return p.status();
        password = *p;
      }
      auto key = o.OpenPrivateKey(password);
      if (!key.ok()) return key.status();
      return Described{KeyJson(*key), KeyText(*key)};
    }
    case Kind::kPublicKey: {
      json j = PublicKeyJson(*o.public_key);
      j["type"] = "public_key";
      return Described{j, absl::StrCat("Public key: ", o.public_key->Describe(), "\n")};
    }
    case Kind::kKeyStore: {
      auto p = ResolveArgPassword(a.storepass, "store password", "--storepass");
      if (!p.ok()) return p.status();
      auto store = o.OpenKeyStore(*p);
      if (!store.ok()) return store.status();
      return Described{StoreJson(*store), StoreText(*store, /*verbose=*/true)};
    }
    case Kind::kCrl:
    case Kind::kUnknown:
      break;
  }
  if (o.pem_label.empty()) {
    return certkit::MakeError(certkit::ErrorKind::kMalformed,
                              "not a certificate, CSR, key or key store (PEM or DER)");
  }
  return Described{json{{"type", "unknown"}, {"pem_label", o.pem_label}},
                   absl::StrCat("PEM block '", o.pem_label, "' (not interpreted)\n")};
}

absl::StatusOr<std::vector<Described>> DescribeFile(const InspectArgs& a) {
  auto data = certkit::ReadFile(a.file);
  if (!data.ok()) return data.status();
  auto objects = certkit::ParseObjects(*data);
  if (!objects.ok()) return objects.status();
  std::vector<Described> out;
  for (const certkit::InputObject& o : *objects) {
    auto d = Describe(o, a);
    if (!d.ok()) return d.status();
    out.push_back(*std::move(d));
  }
  return out;
}

int RunInspect(const InspectArgs& a) {
  auto described = DescribeFile(a);
  if (!described.ok()) {
    return PrintError(certkit::Annotate(described.status(), absl::StrCat("'", a.file, "'")));
  }
  if (a.json) {
    json objects = json::array();
    for (const auto& d : *described) objects.push_back(d.j);
    json out{{"file", a.file}, {"objects", objects}};
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    for (size_t i = 0; i < described->size(); ++i) {
      if (i > 0) std::printf("\n");
      std::printf("%s", (*described)[i].text.c_str());
    }
  }
  return kExitOk;
}

}  // namespace

void RegisterInspectCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand(
      "inspect", "show a certificate, CSR, key or key store (format detected from the bytes)");
  cmd->add_option("file", args->file, "the file to inspect")->required();
  cmd->add_flag("--json", args->json, "machine-readable output");
  AddPasswordOption(cmd, "--storepass", &args->storepass, "key store password");
  AddPasswordOption(cmd, "--passin", &args->passin, "password of an encrypted private key");
  SetExample(cmd, "certkit inspect demo/nodes/10.0.0.1/node.crt --json");
  cmd->callback([args, exit_code] { *exit_code = RunInspect(*args); });
}

}  // namespace certkit_cli
