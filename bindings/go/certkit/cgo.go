package certkit

// The C ABI is include/certkit/certkit.h (libcertkit.so). Against a build
// tree, point the linker at the library:
//
//	CGO_LDFLAGS="-L$BUILD/capi -Wl,-rpath,$BUILD/capi" go test ./...
//
// Against an installed certkit, build with -tags certkit_pkgconfig (uses
// pkg-config certkit) or set CGO_CFLAGS/CGO_LDFLAGS yourself.

/*
#cgo !certkit_pkgconfig CFLAGS: -I${SRCDIR}/../../../include
#cgo !certkit_pkgconfig LDFLAGS: -lcertkit
#include <stdlib.h>
#include <certkit/certkit.h>
*/
import "C"
