// certkit inspect FILE
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
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

// Inspection is what DescribeFile prints: in JSON mode each object's JSON
// text, indented as an element of "objects"; otherwise its text. Only the
// output is kept, not each description's JSON tree: a bundle at the PEM
// block limit costs its output, not ten times it.
struct Inspection {
  std::string body;
  size_t count = 0;
  bool has_private_key = false;
};

absl::StatusOr<Inspection> DescribeFile(const InspectArgs& a) {
  auto data = ReadInput(a.file);
  if (!data.ok()) return data.status();
  // One parsed object at a time: a bundle of thousands of certificates
  // costs its descriptions, not every X509 object at once.
  Inspection out;
  const bool json_mode = JsonMode();
  absl::Status s = certkit::ForEachObject(*data, [&](const certkit::InputObject& o) {
    auto d = Describe(o, a);
    if (!d.ok()) return d.status();
    if (d->j.value("type", "") == "private_key") out.has_private_key = true;
    if (json_mode) {
      // Pretty-printed as it would be nested two levels deep.
      out.body += out.count == 0 ? "\n    " : ",\n    ";
      out.body += absl::StrReplaceAll(JsonText(d->j), {{"\n", "\n    "}});
    } else {
      if (out.count > 0) out.body += "\n";
      out.body += d->text;
    }
    ++out.count;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

int RunInspect(const InspectArgs& a) {
  auto inspected = DescribeFile(a);
  if (!inspected.ok()) {
    return PrintError(certkit::Annotate(inspected.status(), absl::StrCat("'", a.file, "'")));
  }
  // A private key readable by group/others is flagged (CockroachDB refuses it).
  const std::string mode_problem = inspected->has_private_key ? KeyFileModeProblem(a.file) : "";
  if (JsonMode()) {
    // {"file": ..., "objects": [...], "warnings": [...]}, as PrintJson would
    // lay it out, with the objects' text spliced in.
    const std::string marker = "\"objects\": []";
    json shell{{"file", a.file}, {"objects", json::array()}};
    if (!mode_problem.empty()) shell["warnings"] = json::array({"private key file " + mode_problem});
    std::string text = JsonText(shell);
    const size_t at = text.find(marker);
    if (at != std::string::npos && inspected->count > 0) {
      text.replace(at, marker.size(), "\"objects\": [" + inspected->body + "\n  ]");
    }
    PrintRawJson(text);
  } else {
    std::printf("%s", inspected->body.c_str());
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
