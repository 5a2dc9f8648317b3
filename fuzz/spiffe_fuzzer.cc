// SPIFFE IDs, --spiffe-id templates and URI SAN hosts (the URI name
// constraint match). The input is "TEMPLATE\nNAME" (no newline: NAME "x").
// Invariants: an ID ValidateSpiffeId accepts has the shape the spec allows
// and a trust domain; a template ValidateSpiffeIdTemplate accepts expands,
// for any name that expands at all, to a valid ID; UriHost returns a part
// of the URI, and a URI is within its own host and not below it.
#include <string>

#include "absl/strings/match.h"
#include "certkit/spiffe.h"
#include "core/name_match.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using certkit_fuzz::Require;
  if (size > 8192) return 0;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const absl::string_view tmpl = input.substr(0, nl);
  const absl::string_view name = nl == absl::string_view::npos ? "x" : input.substr(nl + 1);

  if (certkit::ValidateSpiffeId(input).ok()) {
    Require(input.size() <= certkit::kMaxSpiffeIdBytes, "accepted an ID over 2048 bytes");
    Require(absl::StartsWith(input, "spiffe://"), "accepted an ID without spiffe://");
    const std::string td = certkit::SpiffeTrustDomain(input);
    Require(!td.empty() && td.size() <= certkit::kMaxSpiffeTrustDomainBytes, "bad trust domain");
    for (char c : input.substr(9)) {
      Require(c != '?' && c != '#' && c != '%' && c != ':' && c != '@' && c != '{',
              "accepted a character the spec forbids");
    }
    // The path: what follows the trust domain (which may itself be "." or
    // "..": dots are trust domain characters, SPIFFE-ID.md 2.1).
    const absl::string_view path = input.substr(9 + td.size());
    Require(path.empty() || path[0] == '/', "the trust domain is not followed by the path");
    Require(!absl::EndsWith(path, "/") && !absl::StrContains(path, "//") &&
                !absl::StrContains(path, "/./") && !absl::StrContains(path, "/../") &&
                !absl::EndsWith(path, "/.") && !absl::EndsWith(path, "/.."),
            "accepted an empty, '.' or '..' path segment");
    // A valid SPIFFE ID is a URI whose host is its trust domain.
    Require(certkit::name_match::UriHost(input) == td, "UriHost differs from the trust domain");
    Require(td[0] == '.' || certkit::name_match::UriWithin(input, td),
            "an ID is not within its trust domain");
  }

  if (certkit::ValidateSpiffeIdTemplate(tmpl).ok()) {
    auto sample = certkit::ExpandSpiffeId(tmpl, "client", "x");
    Require(sample.ok(), "a valid template does not expand for the name x");
    auto id = certkit::ExpandSpiffeId(tmpl, "node", name);
    if (id.ok()) Require(certkit::ValidateSpiffeId(*id).ok(), "expanded to an invalid ID");
  }

  const std::string host = certkit::name_match::UriHost(input);
  if (!host.empty()) {
    Require(absl::StrContains(input, host), "UriHost is not part of the URI");
    // (A host with a leading period is, as a constraint, "below it".)
    Require(host[0] == '.' || certkit::name_match::UriWithin(input, host),
            "a URI is not within its own host");
    Require(!certkit::name_match::UriWithin(input, "." + host), "a URI is below its own host");
  } else {
    Require(!certkit::name_match::UriWithin(input, ""), "a URI without a host matched");
  }
  return 0;
}
