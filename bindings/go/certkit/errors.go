package certkit

/*
#include <certkit/certkit.h>
*/
import "C"

import (
	"fmt"
	"runtime"
)

// ErrorCode is a CertkitError value (certkit.h); values are stable.
type ErrorCode int

// The CertkitError codes.
const (
	CodeOK                 ErrorCode = C.CERTKIT_OK
	CodeInvalidArgument    ErrorCode = C.CERTKIT_ERROR_INVALID_ARGUMENT
	CodeMalformed          ErrorCode = C.CERTKIT_ERROR_MALFORMED
	CodeBadPassword        ErrorCode = C.CERTKIT_ERROR_BAD_PASSWORD
	CodeBadKeyPassword     ErrorCode = C.CERTKIT_ERROR_BAD_KEY_PASSWORD
	CodeIntegrity          ErrorCode = C.CERTKIT_ERROR_INTEGRITY
	CodeUnsupported        ErrorCode = C.CERTKIT_ERROR_UNSUPPORTED
	CodeNotFound           ErrorCode = C.CERTKIT_ERROR_NOT_FOUND
	CodeAlreadyExists      ErrorCode = C.CERTKIT_ERROR_ALREADY_EXISTS
	CodeKeyMismatch        ErrorCode = C.CERTKIT_ERROR_KEY_MISMATCH
	CodeWeakParameter      ErrorCode = C.CERTKIT_ERROR_WEAK_PARAMETER
	CodeIO                 ErrorCode = C.CERTKIT_ERROR_IO
	CodeLimitExceeded      ErrorCode = C.CERTKIT_ERROR_LIMIT_EXCEEDED
	CodeCertExpired        ErrorCode = C.CERTKIT_ERROR_CERT_EXPIRED
	CodeCertNotYetValid    ErrorCode = C.CERTKIT_ERROR_CERT_NOT_YET_VALID
	CodeUnknownIssuer      ErrorCode = C.CERTKIT_ERROR_UNKNOWN_ISSUER
	CodeBadSignature       ErrorCode = C.CERTKIT_ERROR_BAD_SIGNATURE
	CodeIssuerNotCA        ErrorCode = C.CERTKIT_ERROR_ISSUER_NOT_CA
	CodePathLengthExceeded ErrorCode = C.CERTKIT_ERROR_PATH_LENGTH_EXCEEDED
	CodeWrongPurpose       ErrorCode = C.CERTKIT_ERROR_WRONG_PURPOSE
	CodeIdentityMismatch   ErrorCode = C.CERTKIT_ERROR_IDENTITY_MISMATCH
	CodeNameConstraints    ErrorCode = C.CERTKIT_ERROR_NAME_CONSTRAINTS
	CodePolicyViolation    ErrorCode = C.CERTKIT_ERROR_POLICY_VIOLATION
	CodeCertRevoked        ErrorCode = C.CERTKIT_ERROR_CERT_REVOKED
	CodeTLSHandshake       ErrorCode = C.CERTKIT_ERROR_TLS_HANDSHAKE
	CodeInternal           ErrorCode = C.CERTKIT_ERROR_INTERNAL
	CodeNullArgument       ErrorCode = C.CERTKIT_ERROR_NULL_ARGUMENT
	CodeOutOfMemory        ErrorCode = C.CERTKIT_ERROR_OUT_OF_MEMORY
)

// Name returns the stable identifier of the code ("bad_password").
func (c ErrorCode) Name() string {
	return C.GoString(C.certkit_error_name(C.CertkitError(c)))
}

// String returns a short description ("bad password").
func (c ErrorCode) String() string {
	return C.GoString(C.certkit_error_desc(C.CertkitError(c)))
}

// IsVerification reports whether the code is a chain-verification failure.
func (c ErrorCode) IsVerification() bool { return c >= 20 && c < 30 }

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

// Sentinels for errors.Is, one per code.
var (
	ErrInvalidArgument    = &Error{Code: CodeInvalidArgument}
	ErrMalformed          = &Error{Code: CodeMalformed}
	ErrBadPassword        = &Error{Code: CodeBadPassword}
	ErrBadKeyPassword     = &Error{Code: CodeBadKeyPassword}
	ErrIntegrity          = &Error{Code: CodeIntegrity}
	ErrUnsupported        = &Error{Code: CodeUnsupported}
	ErrNotFound           = &Error{Code: CodeNotFound}
	ErrAlreadyExists      = &Error{Code: CodeAlreadyExists}
	ErrKeyMismatch        = &Error{Code: CodeKeyMismatch}
	ErrWeakParameter      = &Error{Code: CodeWeakParameter}
	ErrIO                 = &Error{Code: CodeIO}
	ErrLimitExceeded      = &Error{Code: CodeLimitExceeded}
	ErrCertExpired        = &Error{Code: CodeCertExpired}
	ErrCertNotYetValid    = &Error{Code: CodeCertNotYetValid}
	ErrUnknownIssuer      = &Error{Code: CodeUnknownIssuer}
	ErrBadSignature       = &Error{Code: CodeBadSignature}
	ErrIssuerNotCA        = &Error{Code: CodeIssuerNotCA}
	ErrPathLengthExceeded = &Error{Code: CodePathLengthExceeded}
	ErrWrongPurpose       = &Error{Code: CodeWrongPurpose}
	ErrIdentityMismatch   = &Error{Code: CodeIdentityMismatch}
	ErrNameConstraints    = &Error{Code: CodeNameConstraints}
	ErrPolicyViolation    = &Error{Code: CodePolicyViolation}
	ErrCertRevoked        = &Error{Code: CodeCertRevoked}
	ErrTLSHandshake       = &Error{Code: CodeTLSHandshake}
	ErrInternal           = &Error{Code: CodeInternal}
	ErrNullArgument       = &Error{Code: CodeNullArgument}
	ErrOutOfMemory        = &Error{Code: CodeOutOfMemory}
)

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
