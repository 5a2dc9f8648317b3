// certkit revoke | certkit crl
//
// The revocation list of a CA directory lives in the cluster manifest (a
// cluster directory) or in DIR/revoked.json (a `ca create` directory); the
// library decides which (certkit/revocations.h). `revoke` adds to it, `crl`
// signs it as a CRL v2 with the next cRLNumber.
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "ca_args.h"
#include "certkit/crl.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "certkit/pkcs11.h"
#include "certkit/revocations.h"
#include "commands.h"
#include "common.h"
#include "output.h"

namespace certkit_cli {
namespace {

struct RevokeArgs {
  std::string dir;
  std::string serial;
  std::string cert;
  std::string reason;
  std::string out;
  bool der = false;
  int days = 7;
  std::string key_pass;
  bool allow_insecure_key = false;
  std::string token_key;  // crl --pkcs11-key: the CA key in a token
  Pkcs11Args pkcs11;
};

int RunRevoke(const RevokeArgs& a) {
  certkit::RevokeRequest req;
  std::string what;
  if (!a.cert.empty()) {
    auto cert = ReadCertificate(a.cert);
    if (!cert.ok()) return PrintError(cert.status());
    what = absl::StrCat(cert->subject().ToRfc4514(), " (serial ", cert->serial_hex(), ")");
    req.cert = *std::move(cert);
  } else {
    auto serial = certkit::ParseSerialHex(a.serial);
    if (!serial.ok()) return PrintError(certkit::Annotate(serial.status(), "--serial"));
    req.serial = *serial;
    what = absl::StrCat("serial ", a.serial);
  }
  if (!a.reason.empty()) {
    auto reason = certkit::ParseCrlReason(a.reason);
    if (!reason.ok()) return PrintError(certkit::Annotate(reason.status(), "--reason"));
    req.reason = *reason;
  }
  auto r = certkit::RevokeInDirectory(a.dir, req);
  if (!r.ok()) return PrintError(r.status());
  if (!r->added) {
    std::printf("%s is already revoked in %s\n", Esc(what).c_str(), Esc(r->list_path).c_str());
    return kExitOk;
  }
  RecordWrite(r->list_path, "revocation list");
  if (!r->warning.empty()) std::fprintf(stderr, "certkit: warning: %s\n", Esc(r->warning).c_str());
  std::printf("revoked %s; %zu certificate(s) of %s in %s\nrun `certkit crl --dir %s` to publish a new CRL\n",
              Esc(what).c_str(), r->count, Esc(r->issuer).c_str(), Esc(r->list_path).c_str(),
              Esc(a.dir).c_str());
  return kExitOk;
}

// SignOneCrl signs |issuer|'s CRL into |out| (default: DIR/<crl_name>.pem
// or .der) and records its number.
int SignOneCrl(const RevokeArgs& a, const certkit::CrlIssuer& issuer, const std::string& out_flag) {
  CaSourceArgs source;
  source.cert = issuer.files.cert_path;
  source.key = issuer.files.key_path;
  source.key_pass = a.key_pass;
  source.key_pass_recorded = issuer.key_password_source;  // a cluster's, when it records one
  source.allow_insecure_key = a.allow_insecure_key;
  if (!a.token_key.empty() && !certkit::IsPkcs11Uri(a.token_key)) {
    return PrintError(certkit::Annotate(
        certkit::MakeError(certkit::ErrorKind::kInvalidArgument, "not a pkcs11: URI"), "--pkcs11-key"));
  }
  if (!a.token_key.empty()) source.key = a.token_key;
  source.pkcs11 = a.pkcs11;
  if (a.token_key.empty() && !issuer.key_uri.empty()) {
    // A cluster whose CA key is in a token: the manifest's URI, module and
    // PIN source (env:/file:) unless given now.
    source.key = issuer.key_uri;
    if (source.pkcs11.module.empty()) source.pkcs11.module = issuer.pkcs11_module;
    if (source.pkcs11.pin.empty()) source.pkcs11.pin = certkit::ReusablePasswordSource(issuer.pkcs11_pin_source);
  }
  auto ca = LoadCaFromArgs(source);
  if (!ca.ok()) return PrintError(ca.status());
  auto crl = certkit::SignDirectoryCrl(a.dir, *ca, absl::Hours(24) * a.days);
  if (!crl.ok()) return PrintError(crl.status());
  const std::string out =
      !out_flag.empty() ? out_flag : JoinPath(a.dir, issuer.crl_name + (a.der ? ".der" : ".pem"));
  absl::Status s =
      a.der ? certkit::WriteFileAtomic(out, std::string(crl->der().begin(), crl->der().end()),
                                       certkit::WriteOptions{})
            : WriteTextFile(out, crl->ToPem(), /*overwrite=*/true);
  if (s.ok()) s = certkit::RecordDirectoryCrl(a.dir, *ca, *crl);
  if (!s.ok()) return PrintError(s);
  if (a.der) RecordWrite(out, "CRL");
  std::printf("wrote %s: CRL number %lld by %s, %zu revoked, next update %s\n", Esc(out).c_str(),
              static_cast<long long>(crl->number()), Esc(crl->issuer().ToRfc4514()).c_str(),
              crl->revoked_serials().size(), FormatRfc3339(crl->next_update()).c_str());
  return kExitOk;
}

// RunCrl signs the CRL of every issuer of the directory: during a CA
// rotation the old CA's too (its certificates are still trusted).
int RunCrl(const RevokeArgs& a) {
  auto issuers = certkit::DirectoryCrlIssuers(a.dir);
  if (!issuers.ok()) return PrintError(issuers.status());
  for (size_t i = 0; i < issuers->size(); ++i) {
    const int rc = SignOneCrl(a, (*issuers)[i], i == 0 ? a.out : "");
    if (rc != kExitOk) return rc;
  }
  return kExitOk;
}

}  // namespace

void RegisterRevokeCommands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<RevokeArgs>();
  CLI::App* revoke = app.add_subcommand(
      "revoke", "record a certificate as revoked: in the manifest of a cluster directory, in DIR/revoked.json of a CA directory");
  revoke->add_option("--dir", args->dir, "CA or cluster directory (holds ca.crt)")->required();
  auto* serial = revoke->add_option("--serial", args->serial, "serial number in hex (1f2e or 1F:2E)");
  auto* cert = revoke->add_option("--cert", args->cert, "the certificate file to revoke");
  serial->excludes(cert);
  revoke->add_option("--reason", args->reason,
                     "keyCompromise|cACompromise|affiliationChanged|superseded|"
                     "cessationOfOperation|certificateHold|privilegeWithdrawn|unspecified");
  SetExample(revoke, "certkit revoke --dir cluster --cert cluster/nodes/10.0.0.3/node.crt "
                     "--reason keyCompromise && certkit crl --dir cluster");
  revoke->callback([args, exit_code] {
    if (args->serial.empty() == args->cert.empty()) {
      *exit_code = PrintError(certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                                                 "give exactly one of --serial or --cert"));
      return;
    }
    *exit_code = RunRevoke(*args);
  });

  auto crl_args = std::make_shared<RevokeArgs>();
  CLI::App* crl = app.add_subcommand(
      "crl", "sign a CRL (v2, next cRLNumber) listing what the directory recorded (a cluster: with its active CA)");
  crl->add_option("--dir", crl_args->dir, "cluster directory (manifest.json) or CA directory (ca.crt, ca-private/ca.key)")
      ->required();
  crl->add_option("--out", crl_args->out,
                  "output file (default DIR/crl.pem, or DIR/crl.der with --der); during a CA rotation "
                  "the other CA's CRL goes to DIR/crl-<id>.pem");
  crl->add_flag("--der", crl_args->der, "write DER instead of PEM");
  crl->add_option("--days", crl_args->days, "days until nextUpdate")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  AddCaKeyPassOption(crl, &crl_args->key_pass,
                     "in a cluster the env:/file: source manifest.json records, else no password");
  crl->add_flag("--allow-insecure-ca-key", crl_args->allow_insecure_key,
                "use a CA key file that group/others can read");
  crl->add_option("--pkcs11-key", crl_args->token_key,
                  "the CA key is in a PKCS#11 token: its pkcs11: URI (instead of the directory's "
                  "key file)")
      ->type_name("URI");
  AddPkcs11Options(crl, &crl_args->pkcs11);
  SetExample(crl, "certkit crl --dir cluster --days 7 && openssl verify -crl_check -CAfile "
                  "cluster/ca.crt -CRLfile cluster/crl.pem cluster/nodes/10.0.0.1/node.crt");
  crl->callback([crl_args, exit_code] { *exit_code = RunCrl(*crl_args); });
}

}  // namespace certkit_cli
