// certkit/display.h: making untrusted text safe to print on a terminal.
//
// Certificates, CSRs and key stores carry attacker-chosen strings (DN values,
// SANs, aliases, friendly names) and file names can hold any byte. Printed
// raw, an ESC or CSI sequence can retitle a terminal, move the cursor or
// forge a line of output. EscapeForDisplay is applied to every such value in
// human-readable output.
#ifndef CERTKIT_DISPLAY_H_
#define CERTKIT_DISPLAY_H_

#include <string>

#include "absl/strings/string_view.h"

namespace certkit {

// EscapeForDisplay returns |text| with every character that could control a
// terminal or hide text replaced by a visible escape:
//   - C0 controls and DEL: \n, \r, \t as written, others as \xNN;
//   - C1 controls (U+0080..U+009F) and the bidirectional overrides and
//     isolates (U+202A..U+202E, U+2066..U+2069) and U+2028/U+2029 as \u{XXXX};
//   - bytes that are not valid UTF-8 as \xNN.
// Printable ASCII and valid UTF-8 otherwise pass unchanged (a backslash is
// not doubled, so RFC 4514 escapes stay readable). Never fails.
std::string EscapeForDisplay(absl::string_view text);

// IsDisplaySafe reports whether EscapeForDisplay(text) == text.
bool IsDisplaySafe(absl::string_view text);

// EscapeJsonForDisplay takes JSON text (UTF-8, C0 controls already escaped,
// as any JSON encoder writes them) and writes the C1 controls, the
// bidirectional overrides and isolates and U+2028/U+2029 as \uXXXX escapes:
// the same document to a JSON parser, and safe when the file is printed on
// a terminal. Outside strings JSON is ASCII, so only string contents change.
// Never fails; bytes that are not valid UTF-8 pass unchanged.
std::string EscapeJsonForDisplay(absl::string_view json);

}  // namespace certkit

#endif  // CERTKIT_DISPLAY_H_
