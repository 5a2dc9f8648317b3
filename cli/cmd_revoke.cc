// certkit revoke | certkit crl
//
// The revocation list of a CA directory (DIR/ca.crt, DIR/ca-private/ca.key:
// what `ca create` and `cluster init` write) lives in DIR/revoked.json;
// `revoke` adds to it, `crl` signs it as a CRL v2 with the next cRLNumber.
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ca_args.h"
#include "certkit/crl.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "commands.h"
#include "common.h"

namespace certkit_cli {
namespace {

constexpr char kRevokedFile[] = "revoked.json";
constexpr size_t kMaxRevokedFileBytes = 64u << 20;

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
};

absl::StatusOr<certkit::RevocationList> ReadRevocationList(const std::string& dir) {
  const std::string path = JoinPath(dir, kRevokedFile);
  if (!FileExists(path)) return certkit::RevocationList();
  auto text = certkit::ReadTextFile(path, kMaxRevokedFileBytes);
  if (!text.ok()) return text.status();
  auto list = certkit::RevocationList::FromJson(*text);
  if (!list.ok()) return certkit::Annotate(list.status(), absl::StrCat("'", path, "'"));
  return list;
}

absl::Status WriteRevocationList(const std::string& dir, const certkit::RevocationList& list) {
  return WriteTextFile(JoinPath(dir, kRevokedFile), list.ToJson(), /*overwrite=*/true);
}

int RunRevoke(const RevokeArgs& a) {
  auto cas = ReadCertificates(JoinPath(a.dir, "ca.crt"));
  if (!cas.ok()) return PrintError(cas.status());
  certkit::RevokedCertificate r;
  r.revocation_time = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  std::string what;
  if (!a.cert.empty()) {
    auto cert = ReadCertificate(a.cert);
    if (!cert.ok()) return PrintError(cert.status());
    bool ours = false;
    for (const certkit::Certificate& ca : *cas) ours = ours || ca.subject() == cert->issuer();
    if (!ours) {
      return PrintError(certkit::MakeError(
          certkit::ErrorKind::kInvalidArgument,
          absl::StrCat("'", a.cert, "' was issued by '", cert->issuer().ToRfc4514(),
                       "', not by a CA in '", JoinPath(a.dir, "ca.crt"), "'")));
    }
    r.serial = cert->serial_bytes();
    what = absl::StrCat(cert->subject().ToRfc4514(), " (serial ", cert->serial_hex(), ")");
  } else {
    auto serial = certkit::ParseSerialHex(a.serial);
    if (!serial.ok()) return PrintError(certkit::Annotate(serial.status(), "--serial"));
    r.serial = *serial;
    what = absl::StrCat("serial ", a.serial);
  }
  if (!a.reason.empty()) {
    auto reason = certkit::ParseCrlReason(a.reason);
    if (!reason.ok()) return PrintError(certkit::Annotate(reason.status(), "--reason"));
    r.reason = *reason;
  }
  auto list = ReadRevocationList(a.dir);
  if (!list.ok()) return PrintError(list.status());
  if (!list->Add(r)) {
    std::printf("%s is already revoked in %s\n", what.c_str(), JoinPath(a.dir, kRevokedFile).c_str());
    return kExitOk;
  }
  if (auto s = WriteRevocationList(a.dir, *list); !s.ok()) return PrintError(s);
  std::printf("revoked %s; %zu certificate(s) in %s\nrun `certkit crl --dir %s` to publish a new CRL\n",
              what.c_str(), list->revoked.size(), JoinPath(a.dir, kRevokedFile).c_str(),
              a.dir.c_str());
  return kExitOk;
}

int RunCrl(const RevokeArgs& a) {
  CaSourceArgs source;
  source.cert = JoinPath(a.dir, "ca.crt");
  source.key = JoinPath(JoinPath(a.dir, "ca-private"), "ca.key");
  source.key_pass = a.key_pass;
  source.allow_insecure_key = a.allow_insecure_key;
  auto ca = LoadCaFromArgs(source);
  if (!ca.ok()) return PrintError(ca.status());
  auto list = ReadRevocationList(a.dir);
  if (!list.ok()) return PrintError(list.status());
  certkit::CrlOptions opts;
  opts.number = list->crl_number + 1;
  opts.next_update_in = absl::Hours(24) * a.days;
  auto crl = certkit::SignCrl(*ca, list->revoked, opts);
  if (!crl.ok()) return PrintError(crl.status());
  const std::string out = a.out.empty() ? JoinPath(a.dir, a.der ? "crl.der" : "crl.pem") : a.out;
  absl::Status s =
      a.der ? certkit::WriteFileAtomic(out, std::string(crl->der().begin(), crl->der().end()),
                                       certkit::WriteOptions{})
            : WriteTextFile(out, crl->ToPem(), /*overwrite=*/true);
  if (s.ok()) {
    list->crl_number = opts.number;
    s = WriteRevocationList(a.dir, *list);
  }
  if (!s.ok()) return PrintError(s);
  std::printf("wrote %s: CRL number %lld by %s, %zu revoked, next update %s\n", out.c_str(),
              static_cast<long long>(crl->number()), crl->issuer().ToRfc4514().c_str(),
              crl->revoked_serials().size(), FormatRfc3339(crl->next_update()).c_str());
  return kExitOk;
}

}  // namespace

void RegisterRevokeCommands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<RevokeArgs>();
  CLI::App* revoke = app.add_subcommand(
      "revoke", "record a certificate as revoked in a CA directory (DIR/revoked.json)");
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
      "crl", "sign a CRL (v2, next cRLNumber) listing what DIR/revoked.json holds");
  crl->add_option("--dir", crl_args->dir, "CA or cluster directory (ca.crt, ca-private/ca.key)")
      ->required();
  crl->add_option("--out", crl_args->out, "output file (default DIR/crl.pem, or DIR/crl.der with --der)");
  crl->add_flag("--der", crl_args->der, "write DER instead of PEM");
  crl->add_option("--days", crl_args->days, "days until nextUpdate")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  AddPasswordOption(crl, "--ca-key-pass", &crl_args->key_pass, "CA key password (encrypted keys only)");
  crl->add_flag("--allow-insecure-ca-key", crl_args->allow_insecure_key,
                "use a CA key file that group/others can read");
  SetExample(crl, "certkit crl --dir cluster --days 7 && openssl verify -crl_check -CAfile "
                  "cluster/ca.crt -CRLfile cluster/crl.pem cluster/nodes/10.0.0.1/node.crt");
  crl->callback([crl_args, exit_code] { *exit_code = RunCrl(*crl_args); });
}

}  // namespace certkit_cli
