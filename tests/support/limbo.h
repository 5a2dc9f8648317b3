// tests/support/limbo.h: reading an x509-limbo test case the same way in
// every runner (the library's verifier, the CLI).
#ifndef CERTKIT_TESTS_SUPPORT_LIMBO_H_
#define CERTKIT_TESTS_SUPPORT_LIMBO_H_

#include <nlohmann/json.hpp>

namespace certkit_test {

// LimboWantsClientAuth: the role the case's leaf plays, from its
// validation_kind, overridden by an explicit extended_key_usage.
inline bool LimboWantsClientAuth(const nlohmann::json& tc) {
  bool client = tc["validation_kind"] == "CLIENT";
  for (const auto& eku : tc["extended_key_usage"]) {
    if (eku == "serverAuth") client = false;
    if (eku == "clientAuth") client = true;
  }
  return client;
}

// LimboPeerName is the name the leaf must match ({"kind", "value"}), or
// nullptr when the case names none.
inline const nlohmann::json* LimboPeerName(const nlohmann::json& tc) {
  if (!tc["expected_peer_name"].is_null()) return &tc["expected_peer_name"];
  if (tc["expected_peer_names"].is_array() && !tc["expected_peer_names"].empty()) {
    return &tc["expected_peer_names"][0];
  }
  return nullptr;
}

}  // namespace certkit_test

#endif  // CERTKIT_TESTS_SUPPORT_LIMBO_H_
