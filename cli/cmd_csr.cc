// certkit csr | certkit sign
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "ca_args.h"
#include "certkit/profile_file.h"
#include "certkit/csr.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "certkit/profile.h"
#include "commands.h"
#include "common.h"

namespace certkit_cli {
namespace {

struct CsrArgs {
  std::string key_in;
  std::string key_out;
  std::string key_type = "ec:p256";
  std::string subject;
  std::string cn;
  std::vector<std::string> hosts;
  std::string out;
  bool overwrite = false;
};

int RunCsr(const CsrArgs& a) {
  certkit::CsrRequest req;
  if (!a.subject.empty()) {
    auto dn = certkit::DistinguishedName::Parse(a.subject);
    if (!dn.ok()) return PrintError(certkit::Annotate(dn.status(), "--subject"));
    req.subject = *dn;
  } else if (!a.cn.empty()) {
    req.subject = certkit::DistinguishedName({{"CN", a.cn}});
  }
  for (const std::string& h : SplitList(a.hosts)) {
    auto san = certkit::SubjectAltName::Host(h);
    if (!san.ok()) return PrintError(certkit::Annotate(san.status(), absl::StrCat("--host '", h, "'")));
    req.sans.push_back(*san);
  }
  if (req.subject.empty() && !req.sans.empty()) {
    req.subject = certkit::DistinguishedName({{"CN", SplitList(a.hosts).front()}});
  }
  if (!a.overwrite && FileExists(a.out)) {
    return PrintError(certkit::MakeError(certkit::ErrorKind::kAlreadyExists,
                                         absl::StrCat("'", a.out, "' exists; pass --overwrite")));
  }
  absl::StatusOr<certkit::PrivateKey> key;
  if (!a.key_in.empty()) {
    key = ReadPrivateKey(a.key_in);
  } else {
    auto spec = certkit::KeySpec::Parse(a.key_type);
    if (!spec.ok()) return PrintError(certkit::Annotate(spec.status(), "--key-type"));
    key = certkit::PrivateKey::Generate(*spec);
  }
  if (!key.ok()) return PrintError(key.status());
  auto csr = certkit::CertificateRequest::Create(req, *key);
  if (!csr.ok()) return PrintError(csr.status());
  if (a.key_in.empty()) {
    absl::Status s = WriteKeyFile(a.key_out, *key, a.overwrite);
    if (!s.ok()) return PrintError(s);
    std::printf("wrote key %s (%s, mode 0600)\n", a.key_out.c_str(), key->Describe().c_str());
  }
  absl::Status s = WriteTextFile(a.out, csr->ToPem(), a.overwrite);
  if (!s.ok()) return PrintError(s);
  std::printf("wrote certificate request %s for %s\n", a.out.c_str(),
              csr->subject().ToRfc4514().c_str());
  return kExitOk;
}

struct SignArgs {
  CaSourceArgs ca;
  std::string csr;
  std::string profile = "node";
  std::string out;
  int days = 0;
  int pathlen = 0;
  std::vector<std::string> hosts;
  std::string cn;
  bool chain = false;
  bool overwrite = false;
  std::string profile_file;
};

int RunSign(const SignArgs& a) {
  certkit::IssueOptions opts;
  absl::StatusOr<certkit::Profile> profile = certkit::Profile::ByName(a.profile);
  if (!a.profile_file.empty()) {
    // The file's profile and policy: what `openssl ca -config` would apply.
    auto file = certkit::LoadProfileFile(a.profile_file);
    if (!file.ok()) return PrintError(file.status());
    profile = file->Get(a.profile);
    opts.policy = file->policy;
  }
  if (!profile.ok()) return PrintError(certkit::Annotate(profile.status(), "--profile"));
  if (profile->is_ca && a.profile_file.empty()) profile->path_len = a.pathlen;
  auto data = certkit::ReadTextFile(a.csr);
  if (!data.ok()) return PrintError(data.status());
  auto csr = certkit::CertificateRequest::Parse(*data);
  if (!csr.ok()) return PrintError(certkit::Annotate(csr.status(), absl::StrCat("CSR '", a.csr, "'")));
  if (!a.overwrite && FileExists(a.out)) {
    return PrintError(certkit::MakeError(certkit::ErrorKind::kAlreadyExists,
                                         absl::StrCat("'", a.out, "' exists; pass --overwrite")));
  }
  auto ca = LoadCaFromArgs(a.ca);
  if (!ca.ok()) return PrintError(ca.status());
  opts.days = a.days;
  for (const std::string& h : SplitList(a.hosts)) {
    auto san = certkit::SubjectAltName::Host(h);
    if (!san.ok()) return PrintError(certkit::Annotate(san.status(), absl::StrCat("--host '", h, "'")));
    opts.sans.push_back(*san);
  }
  if (!a.cn.empty()) {
    certkit::DistinguishedName subject = csr->subject();
    subject.Set("CN", a.cn);
    opts.subject = subject;
  }
  auto cert = ca->SignRequest(*csr, *profile, opts);
  if (!cert.ok()) return PrintError(certkit::Annotate(cert.status(), absl::StrCat("signing '", a.csr, "'")));
  std::vector<certkit::Certificate> out = {*cert};
  if (a.chain) {
    for (const auto& c : ca->ChainWithSelf()) out.push_back(c);
  }
  absl::Status s = WriteTextFile(a.out, certkit::CertificatesToPem(out), a.overwrite);
  if (!s.ok()) return PrintError(s);
  std::printf("wrote %s: %s\n  serial %s, expires %s\n", a.out.c_str(),
              cert->subject().ToRfc4514().c_str(), cert->serial_hex().c_str(),
              FormatRfc3339(cert->not_after()).c_str());
  return kExitOk;
}

}  // namespace

void RegisterCsrCommands(CLI::App& app, int* exit_code) {
  auto csr_args = std::make_shared<CsrArgs>();
  CLI::App* csr = app.add_subcommand("csr", "create a key (or use one) and a certificate signing request");
  auto* key_in = csr->add_option("--key", csr_args->key_in, "existing private key to request for");
  auto* key_out = csr->add_option("--key-out", csr_args->key_out, "where to write a new key (mode 0600)");
  key_in->excludes(key_out);
  csr->add_option("--key-type", csr_args->key_type, "type of the new key")->capture_default_str();
  auto* subject = csr->add_option("--subject", csr_args->subject, "subject DN (RFC 4514 or /slash/form)");
  csr->add_option("--cn", csr_args->cn, "common name (instead of --subject)")->excludes(subject);
  csr->add_option("--host", csr_args->hosts, "requested SAN host/IP (repeat or comma-separate)");
  csr->add_option("--out", csr_args->out, "CSR output file (PEM)")->required();
  csr->add_flag("--overwrite", csr_args->overwrite, "replace existing files");
  SetExample(csr, "certkit csr --cn db1 --host db1.example.com --host 10.0.0.1 --key-out db1.key --out db1.csr");
  csr->callback([csr_args, exit_code] {
    if (csr_args->key_in.empty() && csr_args->key_out.empty()) {
      std::fprintf(stderr, "certkit: error: csr needs --key (existing key) or --key-out (new key)\n");
      *exit_code = kExitUsage;
      return;
    }
    *exit_code = RunCsr(*csr_args);
  });

  auto sign_args = std::make_shared<SignArgs>();
  CLI::App* sign = app.add_subcommand("sign", "sign a CSR made elsewhere (keytool -certreq, openssl req)");
  AddCaSourceOptions(sign, &sign_args->ca);
  sign->add_option("--csr", sign_args->csr, "the certificate signing request (PEM or DER)")->required();
  sign->add_option("--profile", sign_args->profile, "node|server|client|intermediate")->capture_default_str();
  sign->add_option("--out", sign_args->out, "certificate output file (PEM)")->required();
  sign->add_option("--days", sign_args->days, "validity in days (default: the profile's)")->check(CLI::Range(1, 36500));
  sign->add_option("--pathlen", sign_args->pathlen, "intermediate profile: path length")->capture_default_str();
  sign->add_option("--host", sign_args->hosts, "extra SAN host/IP to add (repeat or comma-separate)");
  sign->add_option("--cn", sign_args->cn, "override the CSR's CN (e.g. the user name)");
  sign->add_flag("--chain", sign_args->chain, "append the CA chain to the output (a keytool CA reply)");
  sign->add_flag("--overwrite", sign_args->overwrite, "replace an existing output file");
  AddProfileFileOption(sign, &sign_args->profile_file);
  SetExample(sign, "certkit sign --ca-cert ca/ca.crt --ca-key ca/ca-private/ca.key --csr node.csr "
                   "--profile node --out node.crt --chain");
  sign->callback([sign_args, exit_code] { *exit_code = RunSign(*sign_args); });
}

}  // namespace certkit_cli
