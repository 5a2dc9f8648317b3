// fuzz/fuzz_common.h: what every certkit fuzz target shares: the password the
// seed corpora use, load options that keep each input cheap, and the
// equality that round trips must keep.
#ifndef CERTKIT_FUZZ_FUZZ_COMMON_H_
#define CERTKIT_FUZZ_FUZZ_COMMON_H_

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "certkit/keystore.h"
#include "crypto/pbe.h"

namespace certkit_fuzz {

// The password of every seed that has one (scripts/fuzz-seeds.sh).
inline constexpr char kPassword[] = "changeit";

// Key derivations a fuzz input may cost: enough for the seeds (1-2048
// iterations each), small enough that iteration counts cannot time out.
inline constexpr int kMaxIterations = 4096;

inline certkit::LoadOptions Options(certkit::StoreFormat format) {
  certkit::LoadOptions o;
  o.format = format;
  o.max_iterations = kMaxIterations;
  o.max_total_iterations = 4 * kMaxIterations;
  o.allow_missing_mac = true;
  return o;
}

inline certkit::crypto::PbeLimits Limits() {
  certkit::crypto::PbeLimits l;
  l.max_iterations = kMaxIterations;
  return l;
}

inline absl::Span<const uint8_t> Span(const uint8_t* data, size_t size) {
  return absl::Span<const uint8_t>(data, size);
}

// Fail reports a broken invariant and aborts, so libFuzzer records the input.
[[noreturn]] inline void Fail(const std::string& what) {
  std::fprintf(stderr, "certkit fuzz invariant broken: %s\n", what.c_str());
  std::abort();
}

inline void Require(bool ok, const std::string& what) {
  if (!ok) Fail(what);
}

// SameStore compares two stores entry by entry: aliases, types, chains and
// keys (by their DER).
// NameLinked: each certificate of |chain| names the next one as its issuer.
// PKCS#12 and PEM stores hold no chain structure: a reader (certkit, like
// the JDK for PKCS#12) rebuilds each key's chain from the certificates by
// issuer name, so only such a chain can survive their round trip unchanged;
// for any other, the leaf must.
inline bool NameLinked(const std::vector<certkit::Certificate>& chain) {
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    if (chain[i].issuer().ToRfc4514() != chain[i + 1].subject().ToRfc4514()) return false;
  }
  return true;
}

// CompletedFrom: |read| is |written| completed with certificates |store|
// holds. A PKCS#12 or PEM reader completes a chain that stops below its
// root from the file's other certificates, as the JDK does for PKCS#12
// (e.g. [leaf, intermediate] next to the root as a trusted entry comes
// back as [leaf, intermediate, root]).
inline bool CompletedFrom(const certkit::KeyStore& store, const std::vector<certkit::Certificate>& written,
                          const std::vector<certkit::Certificate>& read) {
  if (written.empty() || read.size() <= written.size() || written.back().is_self_issued()) return false;
  if (!std::equal(written.begin(), written.end(), read.begin())) return false;
  for (size_t i = written.size(); i < read.size(); ++i) {
    bool held = false;
    for (const certkit::KeyStoreEntry& e : store.entries()) {
      held = held || std::find(e.chain.begin(), e.chain.end(), read[i]) != e.chain.end();
    }
    if (!held) return false;
  }
  return true;
}

inline bool SameStore(const certkit::KeyStore& a, const certkit::KeyStore& b,
                      bool chains_by_name = false) {
  if (a.size() != b.size()) return false;
  for (const certkit::KeyStoreEntry& e : a.entries()) {
    const certkit::KeyStoreEntry* f = b.Find(e.alias);
    if (f == nullptr || f->type != e.type) return false;
    if (chains_by_name && !NameLinked(e.chain)) {
      if (e.chain.empty() != f->chain.empty()) return false;
      if (!e.chain.empty() && !(e.chain.front() == f->chain.front())) return false;
    } else if (f->chain != e.chain && !(chains_by_name && CompletedFrom(a, e.chain, f->chain))) {
      return false;
    }
    if (e.key.has_value() != f->key.has_value()) return false;
    if (e.key && e.key->ToDer() != f->key->ToDer()) return false;
  }
  return true;
}

// SaveLoad writes |store| as |format| and reads it back; the store must come
// back equal. Stores the format cannot hold (kUnsupported, kInvalidArgument
// such as an alias JKS cannot write) are skipped.
inline void CheckSaveLoad(const certkit::KeyStore& store, certkit::StoreFormat format) {
  certkit::SaveOptions so;
  so.pkcs12_iterations = 1;
  so.pem_encrypt_keys = false;  // 100,000 PBKDF2 iterations per key otherwise
  auto saved = store.Save(format, kPassword, so);
  if (!saved.ok()) return;
  certkit::LoadOptions lo = Options(format);
  auto back = certkit::KeyStore::Load(*saved, kPassword, lo);
  if (!back.ok()) {
    Fail(std::string("a saved ") + certkit::StoreFormatName(format) +
         " store does not load: " + std::string(back.status().message()));
  }
  // Every round trip must be exact. JKS keeps entries verbatim; PKCS#12 and
  // PEM rebuild chains and trust from what they hold, and may only complete
  // a chain from the store's own certificates (see SameStore).
  Require(SameStore(store, *back,
                    format == certkit::StoreFormat::kPkcs12 || format == certkit::StoreFormat::kPem),
          std::string("a ") + certkit::StoreFormatName(format) + " round trip changed the store");
}

}  // namespace certkit_fuzz

#endif  // CERTKIT_FUZZ_FUZZ_COMMON_H_
