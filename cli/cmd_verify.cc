// certkit verify
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "certkit/name.h"
#include "certkit/verify.h"
#include "commands.h"
#include "common.h"
#include "output.h"

namespace certkit_cli {
namespace {

using nlohmann::json;

struct VerifyArgs {
  std::vector<std::string> ca;
  std::vector<std::string> untrusted;
  std::vector<std::string> crls;
  std::string ip;
  std::string dns;
  std::string email;
  std::string purpose = "any";
  std::string at;
  std::string cert;
  bool allow_cn_fallback = false;
  std::string profile = "cluster";
  int max_depth = 0;
};

int Report(const VerifyArgs& a, const absl::StatusOr<certkit::VerifyResult>& result) {
  if (JsonMode()) {
    json out{{"file", a.cert}, {"valid", result.ok()}};
    if (result.ok()) {
      json chain = json::array();
      for (const auto& c : result->chain) {
        chain.push_back({{"subject", c.subject().ToRfc4514()},
                         {"serial", c.serial_hex()},
                         {"not_after", FormatRfc3339(c.not_after())},
                         {"sha256_fingerprint", c.Sha256Fingerprint()}});
      }
      out["chain"] = chain;
      out["warnings"] = result->warnings;
    } else {
      out["error"] = certkit::ErrorKindName(certkit::GetErrorKind(result.status()));
      out["message"] = std::string(result.status().message());
    }
    PrintJson(out);
  } else if (result.ok()) {
    std::printf("%s: OK\n", Esc(a.cert).c_str());
    for (const std::string& w : result->warnings) {
      std::fprintf(stderr, "certkit: warning: %s\n", Esc(w).c_str());
    }
    for (size_t i = 0; i < result->chain.size(); ++i) {
      std::printf("  %zu: %s (expires %s)\n", i, Esc(result->chain[i].subject().ToRfc4514()).c_str(),
                  FormatRfc3339(result->chain[i].not_after()).c_str());
    }
  } else {
    std::printf("%s: FAILED: %s [%s]\n", Esc(a.cert).c_str(), Esc(result.status().message()).c_str(),
                certkit::ErrorKindName(certkit::GetErrorKind(result.status())));
  }
  return result.ok() ? kExitOk : kExitCheckFailed;
}

int RunVerify(const VerifyArgs& a) {
  certkit::TrustStore trust;
  for (const std::string& path : a.ca) {
    auto certs = ReadCertificates(path, "--ca");
    if (!certs.ok()) return PrintError(certs.status());
    for (const auto& c : *certs) trust.Add(c);
  }
  auto leaf_and_more = ReadCertificates(a.cert, "cert");
  if (!leaf_and_more.ok()) return PrintError(leaf_and_more.status());
  std::vector<certkit::Certificate> intermediates(leaf_and_more->begin() + 1, leaf_and_more->end());
  for (const std::string& path : a.untrusted) {
    auto certs = ReadCertificates(path, "--untrusted");
    if (!certs.ok()) return PrintError(certs.status());
    intermediates.insert(intermediates.end(), certs->begin(), certs->end());
  }
  certkit::VerifyOptions opts;
  if (!a.at.empty()) {
    auto t = ParseRfc3339(a.at);
    if (!t.ok()) return PrintError(certkit::Annotate(t.status(), "--at"));
    opts.at = *t;
  }
  if (a.purpose == "server") {
    opts.purpose = certkit::Purpose::kServerAuth;
  } else if (a.purpose == "client") {
    opts.purpose = certkit::Purpose::kClientAuth;
  } else if (a.purpose != "any") {
    return PrintError(certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                                         absl::StrCat("--purpose '", a.purpose, "': use server, client or any")));
  }
  if (!a.ip.empty()) {
    auto ip = certkit::SubjectAltName::Ip(a.ip);
    if (!ip.ok()) return PrintError(certkit::Annotate(ip.status(), "--ip"));
    opts.identity = certkit::PeerIdentity::Ip(ip->value);
  } else if (!a.dns.empty()) {
    opts.identity = certkit::PeerIdentity::Dns(a.dns);
  } else if (!a.email.empty()) {
    opts.identity = certkit::PeerIdentity::Email(a.email);
  }
  opts.allow_cn_fallback = a.allow_cn_fallback;
  if (a.profile == "webpki") {
    opts.webpki_profile = true;
  } else if (a.profile != "cluster") {
    return PrintError(certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                                         absl::StrCat("--profile '", Esc(a.profile), "': use webpki or cluster")));
  }
  if (a.max_depth > 0) opts.max_depth = a.max_depth;
  for (const std::string& path : a.crls) {
    auto data = ReadInput(path, "--crl");
    if (!data.ok()) return PrintError(data.status());
    opts.crls.emplace_back(data->begin(), data->end());
  }
  return Report(a, certkit::Verify(leaf_and_more->front(), intermediates, trust, opts));
}

}  // namespace

void RegisterVerifyCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "verify a certificate chain; exit 0 when valid, 1 with the precise reason otherwise");
  cmd->add_option("cert", args->cert, "certificate to verify (PEM, - for stdin; extra certificates are used as intermediates)")
      ->required();
  cmd->add_option("--ca", args->ca, "trusted CA certificate(s) (PEM bundle; repeatable)")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("--untrusted", args->untrusted, "intermediate certificates (PEM bundle; repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--crl", args->crls,
                  "certificate revocation list (PEM or DER; repeatable): a listed certificate "
                  "fails with cert_revoked")
      ->allow_extra_args(false);
  auto* ip = cmd->add_option("--ip", args->ip, "IP address the certificate must name");
  auto* dns = cmd->add_option("--dns", args->dns, "DNS name the certificate must name");
  auto* email = cmd->add_option("--email", args->email, "email address the certificate must name");
  ip->excludes(dns)->excludes(email);
  dns->excludes(email);
  cmd->add_option("--purpose", args->purpose, "server|client|any")->capture_default_str();
  cmd->add_option("--at", args->at, "verify at this RFC 3339 time instead of now");
  cmd->add_option("--profile", args->profile,
                  "cluster (RFC 5280; default) or webpki (adds the CA/Browser Forum rules)")
      ->capture_default_str();
  cmd->add_option("--max-depth", args->max_depth,
                  "maximum number of certificates in the path, leaf and anchor included (default 10)")
      ->check(CLI::Range(1, 32));
  cmd->add_flag("--allow-cn-fallback", args->allow_cn_fallback,
                "match --dns/--ip against the CN when the certificate has no SAN extension");
  SetExample(cmd, "certkit verify --ca demo/ca.crt --ip 10.0.0.1 --purpose server "
                  "demo/nodes/10.0.0.1/node.crt");
  cmd->callback([args, exit_code] { *exit_code = RunVerify(*args); });
}

}  // namespace certkit_cli
