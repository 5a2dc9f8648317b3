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
#include "output.h"
#include "password.h"

namespace certkit_cli {
namespace {

using nlohmann::json;

struct InspectArgs {
  std::string file;
  std::string storepass;
  std::string key_pass;
};

struct Described {
  json j;
  std::string text;
};

// CertificateDescribed is the certificate's description with its validity
// now: "validity" in JSON ("valid", "expired", "not_yet_valid") and EXPIRED /
// NOT YET VALID after the dates in text.
Described CertificateDescribed(const certkit::Certificate& cert) {
  const absl::Time now = absl::Now();
  const char* validity = "valid";
  const char* mark = "";
  if (now > cert.not_after()) {
    validity = "expired";
    mark = "  EXPIRED";
  } else if (now < cert.not_before()) {
    validity = "not_yet_valid";
    mark = "  NOT YET VALID";
  }
  json j = CertificateJson(cert);
  j["validity"] = validity;
  std::string text = cert.Summary();
  const size_t line = text.find("Valid from: ");
  const size_t end = line == std::string::npos ? line : text.find('\n', line);
  if (end != std::string::npos) text.insert(end, mark);
  return Described{j, text};
}

// Describe describes one object of the file; PEM blocks with labels certkit
// does not interpret are reported, not errors.
absl::StatusOr<Described> Describe(const certkit::InputObject& o, const InspectArgs& a) {
  using Kind = certkit::InputObject::Kind;
  if (!o.status.ok()) return o.status;
  switch (o.kind) {
    case Kind::kCertificate:
      return CertificateDescribed(*o.certificate);
    case Kind::kCertificateRequest:
      return Described{CsrJson(*o.request), CsrText(*o.request)};
    case Kind::kPrivateKey: {
      std::string password;
      if (o.encrypted) {
        auto p = ResolveArgPassword(a.key_pass, "key password", "--key-pass");
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
                   absl::StrCat("PEM block '", Esc(o.pem_label), "' (not interpreted)\n")};
}

absl::StatusOr<std::vector<Described>> DescribeFile(const InspectArgs& a) {
  auto data = ReadInput(a.file);
  if (!data.ok()) return data.status();
  // One parsed object at a time: a bundle of tens of thousands of
  // certificates costs its descriptions, not every X509 object at once.
  std::vector<Described> out;
  absl::Status s = certkit::ForEachObject(*data, [&](const certkit::InputObject& o) {
    auto d = Describe(o, a);
    if (!d.ok()) return d.status();
    out.push_back(*std::move(d));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
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
    for (auto& d : *described) objects.push_back(std::move(d.j));
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
  AddPasswordOption(cmd, "--key-pass", &args->key_pass, "password of an encrypted private key");
  SetExample(cmd, "certkit inspect demo/nodes/10.0.0.1/node.crt --json");
  cmd->callback([args, exit_code] { *exit_code = RunInspect(*args); });
}

}  // namespace certkit_cli
