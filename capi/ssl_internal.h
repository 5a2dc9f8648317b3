// capi/ssl_internal.h (internal): the CertkitSsl object shared by the driver
// shim (ssl.cc) and its export and reload calls (ssl_material.cc).
#ifndef CERTKIT_CAPI_SSL_INTERNAL_H_
#define CERTKIT_CAPI_SSL_INTERNAL_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "certkit/cert.h"
#include "certkit/certkit.h"
#include "certkit/key.h"
#include "certkit/keystore.h"
#include "certkit/peer_verifier.h"
#include "certkit/verify.h"

namespace certkit {
namespace capi {

// SslConfig is a consistent copy of a CertkitSsl's settings. Copies share
// the prepared trust anchors.
struct SslConfig {
  TrustStore trust;
  std::vector<Certificate> chain;  // own certificate, leaf first
  std::optional<PrivateKey> key;
  std::vector<std::string> crls;  // VerifyOptions::crls for peer verification
  int flags = CERTKIT_SSL_VERIFY_PEER_CERT;
  int min_version = CERTKIT_SSL_VERSION_TLS1_2;
  int max_version = CERTKIT_SSL_VERSION_TLS1_3;
  // Grows with every change (CertkitSsl::Mutable); adapters compare it with
  // what they installed (certkit_ssl_generation).
  uint64_t generation = 1;

  // Verifier is the library's peer check for these trust anchors and the
  // CERTKIT_SSL_VERIFY_* flags.
  PeerVerifier Verifier() const;
};

// CheckPair: a chain and key set together must match (kKeyMismatch).
absl::Status CheckPair(const std::vector<Certificate>& chain,
                       const std::optional<PrivateKey>& key);

}  // namespace capi
}  // namespace certkit

struct CertkitSsl {
  std::atomic<int> references{1};
  // std::mutex (pthread), which ThreadSanitizer understands without an
  // instrumented abseil.
  mutable std::mutex mu;
  certkit::capi::SslConfig config;  // guarded by mu
  // The peer check for |config| as of |verifier_generation|: the trust
  // anchors and CRLs are prepared once per change, not per handshake.
  mutable std::shared_ptr<const certkit::PeerVerifier> verifier;  // guarded by mu
  mutable uint64_t verifier_generation = 0;                       // guarded by mu

  certkit::capi::SslConfig Snapshot() const {
    std::lock_guard<std::mutex> lock(mu);
    return config;
  }
  // Verifier returns the prepared peer check for the current settings,
  // making it on the first call after a change.
  std::shared_ptr<const certkit::PeerVerifier> Verifier() const {
    std::lock_guard<std::mutex> lock(mu);
    if (verifier == nullptr || verifier_generation != config.generation) {
      verifier = std::make_shared<const certkit::PeerVerifier>(config.Verifier());
      verifier_generation = config.generation;
    }
    return verifier;
  }
  // Mutable returns the configuration for a change and counts the change.
  // Requires |mu| held.
  certkit::capi::SslConfig& Mutable() {
    ++config.generation;
    return config;
  }
};

#endif  // CERTKIT_CAPI_SSL_INTERNAL_H_
