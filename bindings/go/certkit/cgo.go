package certkit

// The C ABI is include/certkit/certkit.h (libcertkit.so), found through
// pkg-config (`pkg-config certkit`):
//   - installed certkit (cmake --install): nothing to set when the prefix's
//     lib/pkgconfig is on pkg-config's default path (/usr/local, /usr), else
//     PKG_CONFIG_PATH=<prefix>/lib/pkgconfig;
//   - a build tree: PKG_CONFIG_PATH=<build>/capi/pkgconfig.
// Both .pc files carry a RUNPATH, so binaries run without LD_LIBRARY_PATH.
// Build with -tags certkit_nopkgconfig to pass CGO_CFLAGS/CGO_LDFLAGS by
// hand instead.

/*
#cgo !certkit_nopkgconfig pkg-config: certkit
#include <stdlib.h>
#include <certkit/certkit.h>
*/
import "C"
