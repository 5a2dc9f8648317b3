package certkit

/*
#include <stdlib.h>
#include <certkit/certkit.h>
*/
import "C"

import (
	"time"
	"unsafe"
)

// Version returns the loaded library's version string ("0.2.0").
func Version() string { return C.GoString(C.certkit_version()) }

// cText is a C copy of a Go string, released by free.
type cText struct {
	p *C.char
	n C.size_t
}

func newText(s string) cText { return cText{C.CString(s), C.size_t(len(s))} }

// newOptText maps "" to NULL (no password / no alias).
func newOptText(s string) cText {
	if s == "" {
		return cText{}
	}
	return newText(s)
}

func (t cText) free() {
	if t.p != nil {
		C.free(unsafe.Pointer(t.p))
	}
}

// cBytes is a C copy of a byte slice, released by free.
type cBytes struct {
	p *C.uint8_t
	n C.size_t
}

func newBytes(b []byte) cBytes {
	if len(b) == 0 {
		return cBytes{(*C.uint8_t)(C.malloc(1)), 0}
	}
	return cBytes{(*C.uint8_t)(C.CBytes(b)), C.size_t(len(b))}
}

func (b cBytes) free() { C.free(unsafe.Pointer(b.p)) }

// takeText converts and releases a library-allocated text buffer.
func takeText(p *C.char, n C.size_t) string {
	if p == nil {
		return ""
	}
	defer C.certkit_buffer_free(unsafe.Pointer(p))
	return C.GoStringN(p, C.int(n))
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
	var p *C.uint8_t
	var n C.size_t
	if err := call(func() C.CertkitError { return f(&p, &n) }); err != nil {
		return nil, err
	}
	return takeBytes(p, n), nil
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
