// certkit/presets.h: what `--for cockroach|cassandra|postgres` changes in
// the certificates and files certkit issues, as data (one table in
// lib/cluster/presets.cc); the CLI only looks a preset up and applies it.
//
// A preset sets defaults only: an option the user gives (--org, --node-cn,
// --format) wins over the preset's value. The manifest records the preset
// (certkit/manifest.h), so `cluster add`, `renew` and `rotate-ca reissue`
// issue with the same settings. docs/CLI.md ("Presets") lists what each
// preset changes and why.
#ifndef CERTKIT_PRESETS_H_
#define CERTKIT_PRESETS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace certkit {

struct LeafSettings;

// One preset: a database's conventions for node and client certificates.
// Empty fields change nothing.
struct Preset {
  // The name given to --for and recorded in the manifest ("cockroach").
  const char* name;
  // The node certificates' subject CN instead of the node's first host.
  // CockroachDB: "node", the user its RPC layer requires.
  const char* node_cn;
  // O= in node and client subjects when --org is not given.
  const char* organization;
  // SANs every node certificate carries besides its hosts ("DNS:localhost").
  std::vector<std::string> node_sans;
  // The --format list when none is given: cluster init and node/client.
  std::vector<std::string> formats;
  // One line for --help and docs: what the preset changes.
  const char* summary;
};

// FindPreset returns the preset called |name| (exact, lower case), or
// kInvalidArgument listing the presets that exist. The result points into a
// static table and is never null on success.
absl::StatusOr<const Preset*> FindPreset(absl::string_view name);

// PresetNames lists every preset's name, in table order.
std::vector<std::string> PresetNames();

// ApplyPreset fills |settings| from |preset| where they are still unset:
// node_cn (when empty), organization (when empty) and node_sans (added to
// extra_sans unless already there), and records preset.name in
// settings->preset. Formats are the caller's (they are parsed from the
// command line).
void ApplyPreset(const Preset& preset, LeafSettings* settings);

}  // namespace certkit

#endif  // CERTKIT_PRESETS_H_
