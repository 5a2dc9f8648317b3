// certkit csr | certkit sign
#include <cstdio>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ca_args.h"
#include "certkit/profile_file.h"
#include "certkit/csr.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "certkit/profile.h"
#include "commands.h"
#include "common.h"
#include "output.h"
#include "password.h"

namespace certkit_cli {
namespace {

struct CsrArgs {
  std::string key_in;
  std::string key_pass;  // --key-pass: password of an encrypted --key
  std::string key_out;
  std::string key_type = "ec:p256";
  std::string subject;
  std::string cn;
  std::vector<std::string> hosts;
  std::string out;
  bool overwrite = false;
  bool allow_key_stdout = false;
  bool allow_insecure_key = false;
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
  if (absl::Status s = CheckOutputFree(a.out, a.overwrite, "--out"); !s.ok()) return PrintError(s);
  if (IsStdio(a.key_out) && !a.allow_key_stdout) {
    return PrintError(certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                                         "--key-out -: refusing to write a private key to standard "
                                         "output; pass --allow-key-stdout to do so"));
  }
  absl::StatusOr<certkit::PrivateKey> key;
  if (!a.key_in.empty()) {
    if (!a.allow_insecure_key) {
      absl::Status perm = CheckKeyFilePermissions(a.key_in, "key", "--allow-insecure-key");
      if (!perm.ok()) return PrintError(certkit::Annotate(perm, "--key"));
    }
    std::string password;
    if (!a.key_pass.empty()) {
      auto p = ResolveArgPassword(a.key_pass, "key password", "--key-pass");
      if (!p.ok()) return PrintError(p.status());
      password = *p;
    }
    key = ReadPrivateKey(a.key_in, password, "--key");
  } else {
    auto spec = certkit::KeySpec::Parse(a.key_type);
    if (!spec.ok()) return PrintError(certkit::Annotate(spec.status(), "--key-type"));
    key = certkit::PrivateKey::Generate(*spec);
  }
  if (!key.ok()) return PrintError(key.status());
  auto csr = certkit::CertificateRequest::Create(req, *key);
  if (!csr.ok()) return PrintError(csr.status());
  if (a.key_in.empty()) {
    absl::Status s = WriteKeyFile(a.key_out, *key, a.overwrite, a.allow_key_stdout);
    if (!s.ok()) return PrintError(certkit::Annotate(s, "--key-out"));
    Note(absl::StrCat("wrote key ", Esc(a.key_out), " (", key->Describe(), ", mode 0600)"));
  }
  absl::Status s = WriteTextFile(a.out, csr->ToPem(), a.overwrite, "certificate request");
  if (!s.ok()) return PrintError(certkit::Annotate(s, "--out"));
  Note(absl::StrCat("wrote certificate request ", Esc(a.out), " for ", Esc(csr->subject().ToRfc4514())));
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
  auto data = ReadInput(a.csr, "--csr");
  if (!data.ok()) return PrintError(data.status());
  auto csr = certkit::CertificateRequest::Parse(
      absl::string_view(reinterpret_cast<const char*>(data->data()), data->size()));
  if (!csr.ok()) return PrintError(certkit::Annotate(csr.status(), absl::StrCat("--csr '", a.csr, "'")));
  if (absl::Status s = CheckOutputFree(a.out, a.overwrite, "--out"); !s.ok()) return PrintError(s);
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
  if (!cert.ok()) {
    absl::Status st = cert.status();
    if (absl::StrContains(st.message(), "requires a subjectAltName")) {
      st = certkit::MakeError(certkit::GetErrorKind(st), absl::StrCat(st.message(), " with --host"));
    }
    return PrintError(certkit::Annotate(st, absl::StrCat("signing '", a.csr, "'")));
  }
  std::vector<certkit::Certificate> out = {*cert};
  if (a.chain) {
    for (const auto& c : ca->ChainWithSelf()) out.push_back(c);
  }
  absl::Status s = WriteTextFile(a.out, certkit::CertificatesToPem(out), a.overwrite, "certificate");
  if (!s.ok()) return PrintError(certkit::Annotate(s, "--out"));
  Note(absl::StrCat("wrote ", Esc(a.out), ": ", Esc(cert->subject().ToRfc4514()), "\n  serial ",
                    cert->serial_hex(), ", expires ", FormatRfc3339(cert->not_after())));
  return kExitOk;
}

}  // namespace

void RegisterCsrCommands(CLI::App& app, int* exit_code) {
  auto csr_args = std::make_shared<CsrArgs>();
  CLI::App* csr = app.add_subcommand("csr", "create a key (or use one) and a certificate signing request");
  auto* key_in = csr->add_option("--key", csr_args->key_in, "existing private key to request for (- for stdin)");
  AddPasswordOption(csr, "--key-pass", &csr_args->key_pass, "password of an encrypted --key")->needs(key_in);
  auto* key_out = csr->add_option("--key-out", csr_args->key_out,
                                  "where to write a new key (mode 0600; - for stdout needs --allow-key-stdout)");
  csr->add_flag("--allow-key-stdout", csr_args->allow_key_stdout, "allow --key-out - (the key goes to stdout)");
  csr->add_flag("--allow-insecure-key", csr_args->allow_insecure_key,
                "use a --key file that group/others can access (refused by default, as CockroachDB does)");
  key_in->excludes(key_out);
  csr->add_option("--key-type", csr_args->key_type, "type of the new key")->capture_default_str();
  auto* subject = csr->add_option("--subject", csr_args->subject, "subject DN (RFC 4514 or /slash/form)");
  csr->add_option("--cn", csr_args->cn, "common name (instead of --subject)")->excludes(subject);
  csr->add_option("--host", csr_args->hosts, "requested SAN host/IP (repeat or comma-separate)");
  csr->add_option("--out", csr_args->out, "CSR output file (PEM; - for stdout)")->required();
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
  sign->add_option("--csr", sign_args->csr, "the certificate signing request (PEM or DER; - for stdin)")->required();
  sign->add_option("--profile", sign_args->profile, "node|server|client|intermediate")->capture_default_str();
  sign->add_option("--out", sign_args->out, "certificate output file (PEM; - for stdout)")->required();
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
