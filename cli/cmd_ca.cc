// certkit ca create | ca intermediate
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "certkit/ca.h"
#include "certkit/error.h"
#include "certkit/pkcs11.h"
#include "certkit/file.h"
#include "certkit/profile_file.h"
#include "ca_args.h"
#include "commands.h"
#include "common.h"
#include "output.h"
#include "pkcs11_args.h"

namespace certkit_cli {
namespace {

struct CaArgs {
  std::string out;
  std::string subject;
  std::string cn;
  std::string key = "ec:p256";
  int days = 3650;
  int pathlen = -1;  // -1: root unlimited, intermediate 0
  std::vector<std::string> key_usage;
  std::vector<std::string> permit_dns, permit_ip, permit_email;
  std::vector<std::string> exclude_dns, exclude_ip, exclude_email;
  std::string profile_file;
  bool overwrite = false;
  CaSourceArgs parent;  // intermediate only (create: its pkcs11 options)
  // The password source that encrypts the key written: --ca-key-pass of
  // `ca create`, --new-ca-key-pass of `ca intermediate` (whose
  // --ca-key-pass is the parent's, as for sign).
  std::string new_key_pass;
  std::string token_key;  // --pkcs11-key: the new CA's key pair in a token
  CLI::Option* days_option = nullptr;
  bool days_given = false;  // set from days_option before BuildOptions
};

absl::StatusOr<certkit::CaOptions> BuildOptions(const CaArgs& a, const char* default_cn) {
  certkit::CaOptions opts;
  if (!a.subject.empty()) {
    auto dn = certkit::DistinguishedName::Parse(a.subject);
    if (!dn.ok()) return certkit::Annotate(dn.status(), "--subject");
    opts.subject = *dn;
  } else {
    opts.subject = certkit::DistinguishedName({{"CN", a.cn.empty() ? default_cn : a.cn}});
  }
  auto spec = certkit::KeySpec::Parse(a.key);
  if (!spec.ok()) return certkit::Annotate(spec.status(), "--key-type");
  opts.key_spec = *spec;
  if (!a.token_key.empty()) {
    auto key = LoadTokenKeyFromArgs(a.token_key, a.parent.pkcs11, "--pkcs11-key");
    if (!key.ok()) return key.status();
    opts.key = *key;
  }
  opts.days = a.days;
  if (!a.profile_file.empty()) {
    // The file's "ca" section; explicit flags below override it.
    auto file = certkit::LoadProfileFile(a.profile_file);
    if (!file.ok()) return file.status();
    if (file->ca_key_usage) opts.key_usage = file->ca_key_usage;
    if (file->ca_path_len) opts.path_len = file->ca_path_len;
    if (file->ca_days && !a.days_given) opts.days = *file->ca_days;
  }
  if (a.pathlen >= 0) opts.path_len = a.pathlen;
  if (!a.key_usage.empty()) {
    uint32_t bits = 0;
    for (const std::string& name : SplitList(a.key_usage)) {
      auto bit = certkit::ParseKeyUsageName(name);
      if (!bit.ok()) return certkit::Annotate(bit.status(), "--key-usage");
      bits |= *bit;
    }
    opts.key_usage = bits;
  }
  certkit::NameConstraints& nc = opts.name_constraints;
  nc.permitted_dns = SplitList(a.permit_dns);
  nc.permitted_ip = SplitList(a.permit_ip);
  nc.permitted_email = SplitList(a.permit_email);
  nc.excluded_dns = SplitList(a.exclude_dns);
  nc.excluded_ip = SplitList(a.exclude_ip);
  nc.excluded_email = SplitList(a.exclude_email);
  return opts;
}

// WriteCa writes DIR/ca.crt (+ chain) and DIR/ca-private/ca.key, the key
// encrypted with |password| (certkit::CaKeyPem) unless it is empty; |flag|
// is the option that gives it.
int WriteCa(const CaArgs& a, const certkit::CertificateAuthority& ca, const Password& password,
            const char* flag) {
  const std::string key_dir = JoinPath(a.out, "ca-private");
  const std::string key_path = JoinPath(key_dir, "ca.key");
  const std::string cert_path = JoinPath(a.out, "ca.crt");
  if (!a.overwrite) {
    for (const std::string& f : {key_path, cert_path}) {
      if (FileExists(f)) {
        return PrintError(certkit::MakeError(
            certkit::ErrorKind::kAlreadyExists,
            absl::StrCat("'", f, "' exists; pass --overwrite to replace the CA")));
      }
    }
  }
  const bool in_token = certkit::IsTokenKey(ca.key());  // nothing to write
  if (in_token && !password.value.empty()) {
    return PrintError(certkit::MakeError(
        certkit::ErrorKind::kInvalidArgument,
        absl::StrCat(flag, ": the CA key is in a PKCS#11 token (--pkcs11-key), protected by the "
                           "token's PIN; there is no key file to encrypt")));
  }
  std::string key_pem;
  if (!in_token) {
    auto pem = certkit::CaKeyPem(ca.key(), password.value);
    if (!pem.ok()) return PrintError(certkit::Annotate(pem.status(), flag));
    key_pem = *std::move(pem);
  }
  absl::Status s = certkit::MakeDirectories(a.out);
  if (s.ok() && !in_token) s = certkit::MakePrivateDirectory(key_dir);
  if (s.ok() && !in_token) {
    s = certkit::WriteFileAtomic(key_path, key_pem, certkit::WriteOptions{certkit::kPrivateFileMode, a.overwrite});
    if (s.ok()) RecordWrite(key_path, "CA private key");
  }
  if (s.ok()) s = WriteTextFile(cert_path, certkit::CertificatesToPem(ca.ChainWithSelf()), a.overwrite);
  if (!s.ok()) return PrintError(s);
  Note(absl::StrCat("CA certificate: ", Esc(cert_path), "\n  subject ",
                    Esc(ca.certificate().subject().ToRfc4514()), "\n  expires ",
                    FormatRfc3339(ca.certificate().not_after()), "\n  SHA-256 ",
                    ca.certificate().Sha256Fingerprint()));
  if (in_token) {
    Note(absl::StrCat("CA key: in ", Esc(certkit::TokenKeyDescription(ca.key())), " (not written)"));
    return kExitOk;
  }
  Note(absl::StrCat("CA key: ", Esc(key_path), " (mode 0600, ", Esc(CaKeyProtection(password)),
                    "; keep it off the nodes and back it up)"));
  if (password.value.empty()) NoticeUnencryptedCaKey(key_path, flag);
  return kExitOk;
}

void AddCommonOptions(CLI::App* cmd, CaArgs* a) {
  cmd->add_option("--out", a->out, "output directory (ca.crt, ca-private/ca.key)")
      ->type_name("DIR")
      ->required();
  auto* subject = cmd->add_option("--subject", a->subject,
                                  "subject DN, RFC 4514 (\"CN=x, O=y\") or slash form (/O=y/CN=x)");
  cmd->add_option("--cn", a->cn, "common name (instead of --subject)")->excludes(subject);
  auto* key_type =
      cmd->add_option("--key-type", a->key, "key type: rsa:2048|rsa:3072|rsa:4096|ec:p256|ec:p384|ed25519")
          ->capture_default_str();
  cmd->add_option("--pkcs11-key", a->token_key,
                  "use this pkcs11: URI's key pair in a PKCS#11 token instead of generating a key "
                  "(RSA or EC P-256/P-384; no key file is written)")
      ->type_name("URI")
      ->excludes(key_type);
  a->days_option = cmd->add_option("--days", a->days, "validity in days")
                       ->capture_default_str()
                       ->check(CLI::Range(1, 36500));
  cmd->add_option("--key-usage", a->key_usage,
                  "CA keyUsage names, comma-separated (default keyCertSign,cRLSign,digitalSignature; "
                  "must include keyCertSign)");
  cmd->add_option("--permit-dns", a->permit_dns,
                  "nameConstraints: permitted DNS subtree (example.com, or .example.com for "
                  "subdomains only); repeat or comma-separate");
  cmd->add_option("--permit-ip", a->permit_ip, "nameConstraints: permitted IP block (10.0.0.0/8, fd00::/8)");
  cmd->add_option("--permit-email", a->permit_email, "nameConstraints: permitted email subtree");
  cmd->add_option("--exclude-dns", a->exclude_dns, "nameConstraints: excluded DNS subtree");
  cmd->add_option("--exclude-ip", a->exclude_ip, "nameConstraints: excluded IP block");
  cmd->add_option("--exclude-email", a->exclude_email, "nameConstraints: excluded email subtree");
  cmd->add_option("--profile-file", a->profile_file,
                  "JSON profile file: its \"ca\" section gives key usage, pathlen and days "
                  "(flags override; docs/PROFILES.md)");
  cmd->add_flag("--overwrite", a->overwrite, "replace an existing CA certificate and key");
}

}  // namespace

void RegisterCaCommands(CLI::App& app, int* exit_code) {
  CLI::App* ca = app.add_subcommand("ca", "create certificate authorities");
  ca->require_subcommand(1);
  SetExample(ca, "certkit ca create --out ca --cn \"Cluster CA\" --key-type ec:p256");

  auto root_args = std::make_shared<CaArgs>();
  CLI::App* create = ca->add_subcommand("create", "create a self-signed root CA");
  AddCommonOptions(create, root_args.get());
  AddPkcs11Options(create, &root_args->parent.pkcs11);
  create->add_option("--pathlen", root_args->pathlen, "maximum number of intermediate CAs below (default unlimited)")
      ->check(CLI::Range(0, 16));
  AddNewCaKeyPassOption(create, "--ca-key-pass", &root_args->new_key_pass, "the CA key");
  SetExample(create, "certkit ca create --out ca --subject \"CN=Cluster CA, O=Example\" --days 3650 "
                     "--permit-dns .example.com --permit-ip 10.0.0.0/8");
  create->callback([root_args, exit_code] {
    root_args->days_given = root_args->days_option->count() > 0;
    auto opts = BuildOptions(*root_args, "certkit CA");
    if (!opts.ok()) {
      *exit_code = PrintError(opts.status());
      return;
    }
    auto pass = ResolveNewCaKeyPassword(root_args->new_key_pass, "--ca-key-pass");
    if (!pass.ok()) {
      *exit_code = PrintError(pass.status());
      return;
    }
    auto ca = certkit::CertificateAuthority::CreateRoot(*opts);
    *exit_code = ca.ok() ? WriteCa(*root_args, *ca, *pass, "--ca-key-pass") : PrintError(ca.status());
  });

  auto int_args = std::make_shared<CaArgs>();
  int_args->days = 1825;
  CLI::App* inter = ca->add_subcommand("intermediate", "create an intermediate CA signed by a parent CA");
  AddCommonOptions(inter, int_args.get());
  AddCaSourceOptions(inter, &int_args->parent);
  inter->add_option("--pathlen", int_args->pathlen, "maximum number of CAs below this one (default 0)")
      ->check(CLI::Range(0, 16));
  AddNewCaKeyPassOption(inter, "--new-ca-key-pass", &int_args->new_key_pass,
                        "the new intermediate CA key (--ca-key-pass is the parent key's)");
  SetExample(inter, "certkit ca intermediate --ca-cert ca/ca.crt --ca-key ca/ca-private/ca.key "
                    "--out issuing --cn \"Issuing CA\"");
  inter->callback([int_args, exit_code] {
    int_args->days_given = int_args->days_option->count() > 0;
    const CaArgs& a = *int_args;
    auto opts = BuildOptions(a, "certkit intermediate CA");
    if (!opts.ok()) {
      *exit_code = PrintError(opts.status());
      return;
    }
    if (!opts->path_len.has_value()) opts->path_len = 0;
    auto pass = ResolveNewCaKeyPassword(a.new_key_pass, "--new-ca-key-pass");
    if (!pass.ok()) {
      *exit_code = PrintError(pass.status());
      return;
    }
    auto parent = LoadCaFromArgs(a.parent);
    if (!parent.ok()) {
      *exit_code = PrintError(parent.status());
      return;
    }
    auto ca = certkit::CertificateAuthority::CreateIntermediate(*parent, *opts);
    *exit_code = ca.ok() ? WriteCa(a, *ca, *pass, "--new-ca-key-pass") : PrintError(ca.status());
  });
}

}  // namespace certkit_cli
