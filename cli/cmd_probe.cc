// certkit probe: connect to a TLS server, show the chain it presents and
// verify it as a driver using certkit would (certkit::PeerVerifier).
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "certkit/peer_verifier.h"
#include "certkit/probe.h"
#include "commands.h"
#include "common.h"
#include "output.h"
#include "password.h"

namespace certkit_cli {
namespace {

using nlohmann::json;

struct ProbeArgs {
  std::string target;
  std::vector<std::string> ca;
  std::vector<std::string> crls;
  std::string name;
  std::string identity = "host";
  std::string servername;
  std::string starttls;
  std::string cert;
  std::string key;
  std::string key_pass;
  int timeout = 10;
};

// SplitTarget splits HOST:PORT or [IPv6]:PORT.
absl::Status SplitTarget(const std::string& target, std::string* host, uint16_t* port) {
  size_t colon = target.rfind(':');
  uint32_t value = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(target.substr(colon + 1), &value) || value == 0 ||
      value > 65535) {
    return certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                              absl::StrCat("'", Esc(target), "': give HOST:PORT (e.g. 10.0.0.1:9142)"));
  }
  *host = target.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  *port = static_cast<uint16_t>(value);
  return absl::OkStatus();
}

absl::StatusOr<certkit::PeerVerifier> MakeVerifier(const ProbeArgs& a) {
  certkit::TrustStore trust;
  for (const std::string& path : a.ca) {
    auto certs = ReadCertificates(path, "--ca");
    if (!certs.ok()) return certs.status();
    for (const auto& c : *certs) trust.Add(c);
  }
  certkit::PeerVerifierOptions opts;
  if (a.identity == "host") {
    opts.identity = certkit::PeerIdentityRule::kHost;
  } else if (a.identity == "dns") {
    opts.identity = certkit::PeerIdentityRule::kDnsName;
  } else if (a.identity != "none") {
    return certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                              absl::StrCat("--identity '", Esc(a.identity), "': use host, dns or none"));
  }
  for (const std::string& path : a.crls) {
    auto data = ReadInput(path, "--crl");
    if (!data.ok()) return data.status();
    opts.crls.emplace_back(data->begin(), data->end());
  }
  if (absl::Status s = opts.Validate(); !s.ok()) return s;
  return certkit::PeerVerifier(std::move(trust), std::move(opts));
}

absl::StatusOr<certkit::ProbeOptions> MakeProbeOptions(const ProbeArgs& a) {
  certkit::ProbeOptions o;
  o.server_name = a.servername;
  o.timeout = absl::Seconds(a.timeout);
  if (a.starttls == "postgres") {
    o.preamble = certkit::ProbePreamble::kPostgres;
  } else if (!a.starttls.empty()) {
    return certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                              absl::StrCat("--starttls '", Esc(a.starttls), "': use postgres"));
  }
  if (!a.cert.empty()) {
    auto chain = ReadCertificates(a.cert, "--cert");
    if (!chain.ok()) return chain.status();
    o.client_chain = *std::move(chain);
    std::string password;
    if (!a.key_pass.empty()) {
      auto p = ResolveArgPassword(a.key_pass, "key password", "--key-pass");
      if (!p.ok()) return p.status();
      password = *p;
    }
    auto key = ReadPrivateKey(a.key, password, "--key");
    if (!key.ok()) return key.status();
    o.client_key = *std::move(key);
  }
  return o;
}

int RunProbe(const ProbeArgs& a) {
  std::string host;
  uint16_t port = 0;
  if (absl::Status s = SplitTarget(a.target, &host, &port); !s.ok()) return PrintError(s);
  auto verifier = MakeVerifier(a);
  if (!verifier.ok()) return PrintError(verifier.status());
  auto options = MakeProbeOptions(a);
  if (!options.ok()) return PrintError(options.status());
  auto probed = certkit::ProbeServer(host, port, *options);
  if (!probed.ok()) return PrintError(probed.status());
  const std::string name = a.name.empty() ? host : a.name;
  absl::Status verdict = verifier->VerifyServer(probed->chain, name);

  if (JsonMode()) {
    json chain = json::array();
    for (const auto& c : probed->chain) {
      chain.push_back({{"subject", c.subject().ToRfc4514()},
                       {"issuer", c.issuer().ToRfc4514()},
                       {"serial", c.serial_hex()},
                       {"not_after", FormatRfc3339(c.not_after())},
                       {"sha256_fingerprint", c.Sha256Fingerprint()}});
    }
    json out{{"target", a.target},
             {"protocol", probed->protocol},
             {"cipher", probed->cipher},
             {"client_certificate_requested", probed->client_certificate_requested},
             {"chain", chain},
             {"identity", a.identity == "none" ? json(nullptr) : json(name)},
             {"valid", verdict.ok()}};
    if (!verdict.ok()) {
      out["error"] = certkit::ErrorKindName(certkit::GetErrorKind(verdict));
      out["message"] = std::string(verdict.message());
    }
    PrintJson(out);
  } else {
    std::printf("%s: %s %s%s\n", Esc(a.target).c_str(), probed->protocol.c_str(), probed->cipher.c_str(),
                probed->client_certificate_requested ? " (client certificate requested)" : "");
    for (size_t i = 0; i < probed->chain.size(); ++i) {
      const auto& c = probed->chain[i];
      std::printf("  %zu: %s (issuer %s, serial %s, expires %s)\n", i, Esc(c.subject().ToRfc4514()).c_str(),
                  Esc(c.issuer().ToRfc4514()).c_str(), c.serial_hex().c_str(),
                  FormatRfc3339(c.not_after()).c_str());
    }
    if (verdict.ok()) {
      std::printf("verified: OK (serverAuth%s)\n",
                  a.identity == "none" ? "" : absl::StrCat(", identity ", Esc(name)).c_str());
    } else {
      std::printf("verified: FAILED: %s [%s]\n", Esc(verdict.message()).c_str(),
                  certkit::ErrorKindName(certkit::GetErrorKind(verdict)));
    }
  }
  return verdict.ok() ? kExitOk : kExitCheckFailed;
}

}  // namespace

void RegisterProbeCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ProbeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "probe",
      "connect to a TLS server, show the chain it presents and verify it as a driver using certkit "
      "would; exit 0 when valid, 1 with the precise reason otherwise");
  cmd->add_option("target", args->target, "HOST:PORT ([IPv6]:PORT)")->required();
  cmd->add_option("--ca", args->ca, "trusted CA certificate(s) (PEM bundle; repeatable)")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("--crl", args->crls,
                  "certificate revocation list (PEM or DER; repeatable): a listed certificate "
                  "fails with cert_revoked")
      ->allow_extra_args(false);
  cmd->add_option("--name", args->name, "identity the certificate must name (default: HOST)");
  cmd->add_option("--identity", args->identity,
                  "host (an IP must be an IP SAN, a name a DNS SAN; CN when there is no SAN, as the "
                  "DataStax drivers), dns (DNS SAN only) or none (chain only)")
      ->capture_default_str();
  cmd->add_option("--servername", args->servername, "SNI name to send (default: HOST unless an IP)");
  cmd->add_option("--starttls", args->starttls, "postgres: send PostgreSQL's SSLRequest first");
  auto* cert = cmd->add_option("--cert", args->cert, "client certificate chain (PEM) for mutual TLS");
  auto* key = cmd->add_option("--key", args->key, "client private key (PEM or DER)");
  cert->needs(key);
  key->needs(cert);
  AddPasswordOption(cmd, "--key-pass", &args->key_pass, "password of an encrypted --key");
  cmd->add_option("--timeout", args->timeout,
                  "seconds allowed for the whole exchange: connecting, the preamble, the "
                  "handshake and the server's verdict")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  SetExample(cmd, "certkit probe 10.0.0.1:9142 --ca demo/ca.crt --cert demo/clients/app/client.app.crt "
                  "--key demo/clients/app/client.app.key");
  cmd->callback([args, exit_code] { *exit_code = RunProbe(*args); });
}

}  // namespace certkit_cli
