package certkit

/*
#include <certkit/certkit.h>
*/
import "C"

import (
	"fmt"
	"runtime"
)

// ErrorCode is a CertkitError value (certkit.h); values are stable. The
// constants (CodeBadPassword, ...), the sentinels (ErrBadPassword, ...) and the
// category predicates (IsVerification, ...) are in errors_gen.go, generated
// from lib/util/errors.def (docs/ERRORS.md).
type ErrorCode int

// Name returns the stable identifier of the code ("bad_password").
func (c ErrorCode) Name() string {
	return C.GoString(C.certkit_error_name(C.CertkitError(c)))
}

// String returns a short description ("bad password").
func (c ErrorCode) String() string {
	return C.GoString(C.certkit_error_desc(C.CertkitError(c)))
}

// Error is every error the package returns: the CertkitError Code and the
// library's precise Message (which never contains a password).
type Error struct {
	Code    ErrorCode
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "certkit: " + e.Code.Name()
	}
	return fmt.Sprintf("certkit: %s: %s", e.Code.Name(), e.Message)
}

// Is makes errors.Is(err, certkit.ErrBadPassword) match any *Error with the
// same Code (the sentinels carry no message).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// call runs one C call on a locked OS thread so that the thread-local
// certkit_last_error_message belongs to it, and converts the result.
func call(f func() C.CertkitError) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	rc := f()
	if rc == C.CERTKIT_OK {
		return nil
	}
	return &Error{Code: ErrorCode(rc), Message: C.GoString(C.certkit_last_error_message())}
}
