#include "certkit/peer_verifier.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "verify/crl.h"

namespace certkit {

absl::Status PeerVerifierOptions::Validate() const {
  if (!verify_chain && identity != PeerIdentityRule::kNone) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "a peer identity check needs chain verification: a name in an unverified "
                     "certificate proves nothing");
  }
  return absl::OkStatus();
}

struct PeerVerifier::PreparedCrls {
  absl::StatusOr<verify_internal::CrlList> list;
};

PeerVerifier::PeerVerifier(TrustStore trust, PeerVerifierOptions options)
    : trust_(std::move(trust)), options_(std::move(options)) {
  auto crls = std::make_shared<PreparedCrls>();
  crls->list = verify_internal::ParseCrls(options_.crls);
  crls_ = std::move(crls);
}

absl::Status PeerVerifier::VerifyServer(const std::vector<Certificate>& chain,
                                        std::optional<absl::string_view> peer_name) const {
  VerifyOptions verify;
  verify.purpose = Purpose::kServerAuth;
  absl::Status usable;
  const bool named = peer_name.has_value() && !peer_name->empty();
  if (options_.identity != PeerIdentityRule::kNone && !named) {
    usable = MakeError(ErrorKind::kInvalidArgument,
                       "peer identity verification is enabled but no peer address or host name "
                       "was given");
  } else if (options_.identity == PeerIdentityRule::kDnsName) {
    verify.identity = PeerIdentity::Dns(std::string(*peer_name));
    verify.allow_cn_fallback = false;
  } else if (options_.identity == PeerIdentityRule::kHost) {
    verify.identity = PeerIdentity::Host(std::string(*peer_name));
    verify.allow_cn_fallback = true;
  }
  return VerifyChain(chain, std::move(verify), usable);
}

absl::Status PeerVerifier::VerifyClient(const std::vector<Certificate>& chain) const {
  VerifyOptions verify;
  verify.purpose = Purpose::kClientAuth;
  return VerifyChain(chain, std::move(verify), absl::OkStatus());
}

absl::Status PeerVerifier::VerifyChain(const std::vector<Certificate>& chain,
                                       VerifyOptions options, const absl::Status& usable) const {
  if (!options_.verify_chain) return options_.Validate();
  if (chain.empty()) return MakeError(ErrorKind::kTlsHandshake, "the peer presented no certificate");
  if (trust_.size() == 0) {
    return MakeError(ErrorKind::kUnknownIssuer,
                     absl::StrCat("no trusted certificates are configured, so the peer "
                                  "certificate '",
                                  chain.front().subject().ToRfc4514(), "' cannot be verified"));
  }
  if (!usable.ok()) return usable;
  if (!crls_->list.ok()) return crls_->list.status();
  std::vector<Certificate> intermediates(chain.begin() + 1, chain.end());
  return verify_internal::VerifyWithCrls(chain.front(), intermediates, trust_, options,
                                         *crls_->list)
      .status();
}

}  // namespace certkit
