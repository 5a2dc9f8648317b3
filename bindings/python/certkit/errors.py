"""Exceptions raised by the certkit binding, one class per CertkitError code."""
from . import _capi


class CertkitError(Exception):
    """A failed certkit call: |code| (a CERTKIT_ERROR_* value), |name|
    ("bad_password") and |message| (the library's precise reason)."""

    code = None

    def __init__(self, code, message):
        self.code = code
        self.name = _capi.certkit_error_name(code).decode()
        self.message = message
        super().__init__("%s: %s" % (self.name, message) if message else self.name)


class InvalidArgumentError(CertkitError, ValueError):
    code = _capi.CERTKIT_ERROR_INVALID_ARGUMENT


class MalformedError(CertkitError, ValueError):
    code = _capi.CERTKIT_ERROR_MALFORMED


class BadPasswordError(CertkitError):
    code = _capi.CERTKIT_ERROR_BAD_PASSWORD


class BadKeyPasswordError(BadPasswordError):
    code = _capi.CERTKIT_ERROR_BAD_KEY_PASSWORD


class IntegrityError(CertkitError):
    code = _capi.CERTKIT_ERROR_INTEGRITY


class UnsupportedError(CertkitError):
    code = _capi.CERTKIT_ERROR_UNSUPPORTED


class NotFoundError(CertkitError, LookupError):
    code = _capi.CERTKIT_ERROR_NOT_FOUND


class AlreadyExistsError(CertkitError):
    code = _capi.CERTKIT_ERROR_ALREADY_EXISTS


class KeyMismatchError(CertkitError):
    code = _capi.CERTKIT_ERROR_KEY_MISMATCH


class WeakParameterError(CertkitError):
    code = _capi.CERTKIT_ERROR_WEAK_PARAMETER


class CertkitIOError(CertkitError, OSError):
    code = _capi.CERTKIT_ERROR_IO


class LimitExceededError(CertkitError):
    code = _capi.CERTKIT_ERROR_LIMIT_EXCEEDED


class VerificationError(CertkitError):
    """Base of every chain-verification failure (codes 20..29)."""


class CertExpiredError(VerificationError):
    code = _capi.CERTKIT_ERROR_CERT_EXPIRED


class CertNotYetValidError(VerificationError):
    code = _capi.CERTKIT_ERROR_CERT_NOT_YET_VALID


class UnknownIssuerError(VerificationError):
    code = _capi.CERTKIT_ERROR_UNKNOWN_ISSUER


class BadSignatureError(VerificationError):
    code = _capi.CERTKIT_ERROR_BAD_SIGNATURE


class IssuerNotCaError(VerificationError):
    code = _capi.CERTKIT_ERROR_ISSUER_NOT_CA


class PathLengthExceededError(VerificationError):
    code = _capi.CERTKIT_ERROR_PATH_LENGTH_EXCEEDED


class WrongPurposeError(VerificationError):
    code = _capi.CERTKIT_ERROR_WRONG_PURPOSE


class IdentityMismatchError(VerificationError):
    code = _capi.CERTKIT_ERROR_IDENTITY_MISMATCH


class NameConstraintsError(VerificationError):
    code = _capi.CERTKIT_ERROR_NAME_CONSTRAINTS


class PolicyViolationError(VerificationError):
    code = _capi.CERTKIT_ERROR_POLICY_VIOLATION


class CertRevokedError(VerificationError):
    code = _capi.CERTKIT_ERROR_CERT_REVOKED


class TlsHandshakeError(CertkitError):
    code = _capi.CERTKIT_ERROR_TLS_HANDSHAKE


class InternalError(CertkitError):
    code = _capi.CERTKIT_ERROR_INTERNAL


class NullArgumentError(CertkitError, TypeError):
    code = _capi.CERTKIT_ERROR_NULL_ARGUMENT


class OutOfMemoryError(CertkitError, MemoryError):
    code = _capi.CERTKIT_ERROR_OUT_OF_MEMORY


_BY_CODE = {cls.code: cls for cls in list(globals().values())
            if isinstance(cls, type) and issubclass(cls, CertkitError) and cls.code is not None}


def error_for(code):
    """Returns the exception for |code| carrying this thread's last message."""
    message = (_capi.certkit_last_error_message() or b"").decode("utf-8", "replace")
    cls = _BY_CODE.get(code)
    if cls is None:
        cls = VerificationError if 20 <= code < 30 else CertkitError
    return cls(code, message)


def check(code):
    """Raises the matching CertkitError subclass unless |code| is CERTKIT_OK."""
    if code != _capi.CERTKIT_OK:
        raise error_for(code)
