// certkit/version.h: the version of the certkit library.
//
// The one source is the VERSION file at the top of the source tree; the C
// ABI's certkit_version() and the CLI's --version report this value.
#ifndef CERTKIT_VERSION_H_
#define CERTKIT_VERSION_H_

#include <cstdint>

namespace certkit {

// Version returns the library's version, "MAJOR.MINOR.PATCH" (static storage).
const char* Version();

// VersionNumber returns the version as (major << 16) | (minor << 8) | patch,
// like CERTKIT_VERSION_NUMBER in certkit.h.
uint32_t VersionNumber();

}  // namespace certkit

#endif  // CERTKIT_VERSION_H_
