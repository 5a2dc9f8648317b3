//go:build certkit_pkgconfig

package certkit

/*
#cgo pkg-config: certkit
*/
import "C"
