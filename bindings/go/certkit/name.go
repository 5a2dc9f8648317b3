package certkit

/*
#include <certkit/certkit.h>
*/
import "C"

import "runtime"

// Name is a distinguished name.
type Name struct{ p *C.CertkitName }

func wrapName(p *C.CertkitName) *Name {
	n := &Name{p}
	runtime.SetFinalizer(n, (*Name).Close)
	return n
}

// Close releases the name (idempotent).
func (n *Name) Close() {
	if n != nil && n.p != nil {
		C.certkit_name_free(n.p)
		n.p = nil
		runtime.SetFinalizer(n, nil)
	}
}

// ParseName accepts the RFC 4514 / keytool form ("CN=a, O=b") and the
// OpenSSL slash form ("/O=b/CN=a").
func ParseName(text string) (*Name, error) {
	t := newText(text)
	var out *C.CertkitName
	if err := call(func() C.CertkitError { return C.certkit_name_parse_n(t.p, t.n, &out) }); err != nil {
		return nil, err
	}
	return wrapName(out), nil
}

func (n *Name) format(style C.CertkitNameStyle) string {
	defer runtime.KeepAlive(n)
	s, err := textOut(func(o **C.char, l *C.size_t) C.CertkitError {
		return C.certkit_name_to_string(n.p, style, o, l)
	})
	if err != nil {
		return ""
	}
	return s
}

// String returns the RFC 4514 form ("CN=a, O=b").
func (n *Name) String() string { return n.format(C.CERTKIT_NAME_RFC4514) }

// Slash returns the OpenSSL -subj form ("/O=b/CN=a").
func (n *Name) Slash() string { return n.format(C.CERTKIT_NAME_SLASH) }

// Get returns the value of the last |attribute| ("CN", "O", a dotted OID);
// an error with CodeNotFound when absent.
func (n *Name) Get(attribute string) (string, error) {
	defer runtime.KeepAlive(n)
	a := newText(attribute)
	return textOut(func(o **C.char, l *C.size_t) C.CertkitError {
		return C.certkit_name_get_n(n.p, a.p, a.n, o, l)
	})
}

// withName parses |subject| for the duration of f.
func withName(subject string, f func(*C.CertkitName) error) error {
	name, err := ParseName(subject)
	if err != nil {
		return err
	}
	defer name.Close()
	return f(name.p)
}
