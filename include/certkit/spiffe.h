// certkit/spiffe.h: SPIFFE IDs (github.com/spiffe/spiffe, standards/
// SPIFFE-ID.md) and the templates `--spiffe-id` takes, from which each
// node and client certificate gets its SPIFFE ID as a URI SAN (what
// Cassandra 5.0's SpiffeCertificateValidator reads as the identity; see
// docs/CASSANDRA_MTLS.md).
//
// A SPIFFE ID is "spiffe://" + trust domain + path:
//   - the trust domain: 1 to 255 bytes of [a-z0-9.-_] (lowercase only),
//     no port, no userinfo;
//   - the path: empty, or "/" + segments separated by "/", each non-empty,
//     not "." or "..", of [A-Za-z0-9.-_] (no percent-encoding), no trailing
//     "/";
//   - no query ("?") or fragment ("#");
//   - at most 2048 bytes in all.
//
// A template is a SPIFFE ID whose path may hold placeholders, each replaced
// per certificate:
//   {name}  the leaf's name: a client's user name, a node's name (its
//           folder, the first host);
//   {role}  the same as {name} (for a client, the CQL role its identity
//           maps to: `certkit cluster identities`);
//   {kind}  "node" or "client".
// "{" and "}" appear only as placeholders. Placeholders are refused in the
// trust domain.
#ifndef CERTKIT_SPIFFE_H_
#define CERTKIT_SPIFFE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace certkit {

// Longest SPIFFE ID accepted, in bytes (SPIFFE-ID.md 2.3).
inline constexpr size_t kMaxSpiffeIdBytes = 2048;
// Longest trust domain accepted, in bytes (SPIFFE-ID.md 2.3).
inline constexpr size_t kMaxSpiffeTrustDomainBytes = 255;

// ValidateSpiffeId accepts a SPIFFE ID as the header describes.
// kInvalidArgument otherwise, naming the rule broken and where (the byte
// offset and the offending character, control characters escaped); the ID
// is shown escaped (certkit/display.h), cut at 80 characters.
absl::Status ValidateSpiffeId(absl::string_view id);

// IsSpiffeId reports whether |uri| starts with "spiffe://" (ASCII
// case-insensitive): a URI meant as a SPIFFE ID, valid or not.
bool IsSpiffeId(absl::string_view uri);

// SpiffeTrustDomain returns the trust domain of a valid SPIFFE ID (the
// authority), or "" when |id| is not one.
std::string SpiffeTrustDomain(absl::string_view id);

// ValidateSpiffeIdTemplate accepts a template as the header describes: its
// placeholders known and closed, none in the trust domain, and the ID it
// gives valid when each placeholder stands for as many letters.
// kInvalidArgument naming the problem (an unknown placeholder by name, an
// unclosed "{", a lone "}", a placeholder in the trust domain, or a rule of
// the spec with the template's byte offset).
absl::Status ValidateSpiffeIdTemplate(absl::string_view tmpl);

// ExpandSpiffeId replaces the placeholders of |tmpl| for one certificate
// (|kind| "node" or "client", |name| its name) and checks the result.
// kInvalidArgument as ValidateSpiffeIdTemplate, or naming the |kind| and
// |name| when the ID they give is not a valid SPIFFE ID (e.g. a user name
// with "@", or an IPv6 node name: ':' is not allowed in a path segment).
absl::StatusOr<std::string> ExpandSpiffeId(absl::string_view tmpl, absl::string_view kind,
                                           absl::string_view name);

}  // namespace certkit

#endif  // CERTKIT_SPIFFE_H_
