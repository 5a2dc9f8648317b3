#include "certkit/version.h"

// CMake defines these from the VERSION file (lib/util/CMakeLists.txt).
#if !defined(CERTKIT_BUILD_VERSION) || !defined(CERTKIT_BUILD_VERSION_MAJOR) || \
    !defined(CERTKIT_BUILD_VERSION_MINOR) || !defined(CERTKIT_BUILD_VERSION_PATCH)
#error "the build defines CERTKIT_BUILD_VERSION* from the VERSION file"
#endif

namespace certkit {

const char* Version() { return CERTKIT_BUILD_VERSION; }

uint32_t VersionNumber() {
  return (uint32_t{CERTKIT_BUILD_VERSION_MAJOR} << 16) |
         (uint32_t{CERTKIT_BUILD_VERSION_MINOR} << 8) | uint32_t{CERTKIT_BUILD_VERSION_PATCH};
}

}  // namespace certkit
