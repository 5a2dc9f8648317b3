// Cluster manifest.json: parse; a manifest that parses prints to JSON that
// parses back to the same text, and none of its paths leaves the folder.
#include "certkit/manifest.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto m = certkit::ParseManifest(absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!m.ok()) return 0;
  for (const auto* leaves : {&m->nodes, &m->clients}) {
    for (const certkit::LeafRecord& r : *leaves) {
      certkit_fuzz::Require(certkit::CheckManifestPath(r.dir, "dir").ok(), "a dir escapes: " + r.dir);
    }
  }
  const std::string text = certkit::ManifestToJson(*m);
  auto again = certkit::ParseManifest(text);
  certkit_fuzz::Require(again.ok() && certkit::ManifestToJson(*again) == text,
                        "manifest JSON round trip");
  return 0;
}
