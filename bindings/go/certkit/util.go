package certkit

/*
#include <stdlib.h>
#include <string.h>
#include <certkit/certkit.h>
*/
import "C"

import (
	"runtime"
	"time"
	"unsafe"
)

// Version returns the loaded library's version string ("0.2.0").
func Version() string { return C.GoString(C.certkit_version()) }

// cText views a Go string as C text without copying. cgo pins the Go memory
// for the duration of each call, the memory holds no Go pointers, and
// certkit copies whatever it keeps, so no C copy (and no password copy to
// wipe) is made. Only the _n functions, which take the length, receive it:
// the bytes are not NUL-terminated.
type cText struct {
	p *C.char
	n C.size_t
}

// empty gives zero-length arguments a valid non-NULL address.
var empty [1]byte

func newText(s string) cText {
	if len(s) == 0 {
		return cText{(*C.char)(unsafe.Pointer(&empty[0])), 0}
	}
	// The string header starts with the data pointer (unsafe.StringData
	// from Go 1.20; the module supports Go 1.19).
	return cText{(*C.char)(unsafe.Pointer(*(**byte)(unsafe.Pointer(&s)))), C.size_t(len(s))}
}

// newOptText maps "" to NULL (no password / no alias).
func newOptText(s string) cText {
	if s == "" {
		return cText{}
	}
	return newText(s)
}

// cBytes views a byte slice as C bytes without copying (see cText).
type cBytes struct {
	p *C.uint8_t
	n C.size_t
}

func newBytes(b []byte) cBytes {
	if len(b) == 0 {
		return cBytes{(*C.uint8_t)(unsafe.Pointer(&empty[0])), 0}
	}
	return cBytes{(*C.uint8_t)(unsafe.Pointer(&b[0])), C.size_t(len(b))}
}

// takeText converts and releases a library-allocated text buffer.
func takeText(p *C.char, n C.size_t) string {
	if p == nil {
		return ""
	}
	defer C.certkit_buffer_free(unsafe.Pointer(p))
	return C.GoStringN(p, C.int(n))
}

// takeSecretBytes is takeBytes for key material: the library's buffer is
// wiped before it is released. The caller wipes the Go copy (wipe) when done.
func takeSecretBytes(p *C.uint8_t, n C.size_t) []byte {
	if p == nil {
		return []byte{}
	}
	defer C.certkit_buffer_free(unsafe.Pointer(p))
	defer C.memset(unsafe.Pointer(p), 0, n)
	return C.GoBytes(unsafe.Pointer(p), C.int(n))
}

// wipe overwrites b with zeros (key bytes, password copies).
func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
	runtime.KeepAlive(b)
}

// takeBytes converts and releases a library-allocated byte buffer.
func takeBytes(p *C.uint8_t, n C.size_t) []byte {
	if p == nil {
		return []byte{}
	}
	defer C.certkit_buffer_free(unsafe.Pointer(p))
	return C.GoBytes(unsafe.Pointer(p), C.int(n))
}

// textOut runs f(&buffer, &length) and returns the text.
func textOut(f func(**C.char, *C.size_t) C.CertkitError) (string, error) {
	var p *C.char
	var n C.size_t
	if err := call(func() C.CertkitError { return f(&p, &n) }); err != nil {
		return "", err
	}
	return takeText(p, n), nil
}

// bytesOut runs f(&buffer, &length) and returns the bytes.
func bytesOut(f func(**C.uint8_t, *C.size_t) C.CertkitError) ([]byte, error) {
	return bytesOutWith(f, takeBytes)
}

// secretBytesOut is bytesOut for key material (see takeSecretBytes).
func secretBytesOut(f func(**C.uint8_t, *C.size_t) C.CertkitError) ([]byte, error) {
	return bytesOutWith(f, takeSecretBytes)
}

func bytesOutWith(f func(**C.uint8_t, *C.size_t) C.CertkitError,
	take func(*C.uint8_t, C.size_t) []byte) ([]byte, error) {
	var p *C.uint8_t
	var n C.size_t
	if err := call(func() C.CertkitError { return f(&p, &n) }); err != nil {
		return nil, err
	}
	return take(p, n), nil
}

func unixTime(seconds C.int64_t) time.Time { return time.Unix(int64(seconds), 0).UTC() }

func boolInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// chars views the bytes as C text (for the PEM-taking functions).
func (b cBytes) chars() *C.char { return (*C.char)(unsafe.Pointer(b.p)) }
