"""Batch issuance: many certificates from one CA on a thread pool
(certkit_batch_*; C++ certkit/batch.h). CertificateAuthority.issue_batch is
the entry point."""
import ctypes
from typing import Any, Callable, List, Optional, Sequence, Union

from . import _capi
from ._base import _Handle, _b, _check, _out_bytes, _out_handle, _owned, Text
from .certs import Certificate
from .csr import CertificateRequest
from .errors import CertkitError, error_from
from .keys import PrivateKey

# progress(done, total): return False to cancel the rest of the batch.
Progress = Callable[[int, int], Any]


class BatchItem:
    """One certificate to issue. Make it with new_key (a fresh key is
    generated), for_key (the public half of a PrivateKey), for_public_key_pem
    or for_csr; the keyword arguments are those of CertificateAuthority.sign
    (profile, subject, sans, days, not_before, policy, allow_beyond_issuer)."""

    def __init__(self, kind: str, value: Any, profile: Union["Profile", Text] = "node",
                 **options: Any) -> None:
        self.kind, self.value, self.profile, self.options = kind, value, profile, options

    @classmethod
    def new_key(cls, key_spec: Text = "ec:p256", **kw: Any) -> "BatchItem":
        return cls("new_key", key_spec, **kw)

    @classmethod
    def for_key(cls, key: PrivateKey, **kw: Any) -> "BatchItem":
        return cls("key", key, **kw)

    @classmethod
    def for_public_key_pem(cls, pem: Text, **kw: Any) -> "BatchItem":
        return cls("public_key_pem", pem, **kw)

    @classmethod
    def for_csr(cls, csr: Union[CertificateRequest, Text], **kw: Any) -> "BatchItem":
        return cls("csr", csr, **kw)


class BatchResult:
    """An item's outcome: |certificate| (and |private_key| for new_key items)
    when issued, otherwise |error| (the CertkitError subclass the single
    call would raise, e.g. BadSignatureError)."""

    def __init__(self, certificate: Optional[Certificate], private_key: Optional[PrivateKey],
                 error: Optional[CertkitError]) -> None:
        self.certificate, self.private_key, self.error = certificate, private_key, error

    @property
    def ok(self) -> bool:
        return self.error is None

    def __repr__(self) -> str:
        return "BatchResult(%s)" % ("ok" if self.ok else repr(self.error))


class _Batch(_Handle):
    _free = staticmethod(_capi.certkit_batch_free)

    def add(self, item: BatchItem) -> None:
        from .ca import Profile, _IssueOptions
        o = item.options
        with _owned(Profile.coerce(item.profile), item.profile) as prof, \
                _IssueOptions(o.get("days"), o.get("not_before"), o.get("sans"),
                              o.get("subject"), o.get("policy"),
                              o.get("allow_beyond_issuer", False)) as options:
            if item.kind == "new_key":
                spec = _b(item.value)
                _check(_capi.certkit_batch_add_new_key_n(self, spec, len(spec), prof, options))
            elif item.kind == "key":
                _check(_capi.certkit_batch_add_key(self, item.value, prof, options))
            elif item.kind == "public_key_pem":
                pem = _b(item.value)
                _check(_capi.certkit_batch_add_public_key_pem_n(self, pem, len(pem), prof,
                                                                options))
            else:
                csr = item.value
                with _owned(csr if isinstance(csr, CertificateRequest)
                            else CertificateRequest.from_pem(csr), csr) as request:
                    _check(_capi.certkit_batch_add_csr(self, request, prof, options))

    def result(self, index: int) -> BatchResult:
        code = ctypes.c_int()
        message = _out_bytes(_capi.certkit_batch_item_error, self, index, ctypes.byref(code))
        if code.value != _capi.CERTKIT_OK:
            return BatchResult(None, None, error_from(code.value, message.decode("utf-8",
                                                                                 "replace")))
        cert = Certificate._wrap(_out_handle(_capi.certkit_batch_item_cert, self, index))
        key = None
        handle = ctypes.c_void_p()
        if _capi.certkit_batch_item_key(self, index, ctypes.byref(handle)) == _capi.CERTKIT_OK:
            key = PrivateKey._wrap(handle.value)
        return BatchResult(cert, key, None)


def _progress_callback(progress: Optional[Progress], raised: List[BaseException]) -> Any:
    """A CertkitProgressCallback calling |progress(done, total)| (NULL when
    None): False cancels; an exception cancels and is kept in |raised| for
    the caller to raise once the C call returned."""
    if progress is None:
        return _capi.CertkitProgressCallback()

    def report(done: int, total: int, _user: Any) -> int:
        try:
            return 1 if progress(done, total) is False else 0
        except BaseException as e:  # noqa: B902 (re-raised by the caller)
            raised.append(e)
            return 1
    return _capi.CertkitProgressCallback(report)


def issue_batch(ca: "CertificateAuthority", items: Sequence[BatchItem], *, jobs: int = 0,
                progress: Optional[Progress] = None) -> List[BatchResult]:
    """Issues |items| with |ca| on |jobs| threads (0: every core) and returns
    one BatchResult per item, in order; an item's error never stops the
    others. |progress(done, total)| is called after each finished item (from
    worker threads, one call at a time); returning False cancels: the items
    not started get CancelledError. An exception raised by |progress| cancels
    too and is raised here after the batch stopped."""
    raised: List[BaseException] = []
    callback = _progress_callback(progress, raised)
    with _Batch(_out_handle(_capi.certkit_batch_new, ca)) as batch:
        for item in items:
            batch.add(item)
        rc = _capi.certkit_batch_run(batch, jobs, callback, None)
        if raised:
            raise raised[0]
        if rc != _capi.CERTKIT_ERROR_CANCELLED:
            _check(rc)
        return [batch.result(i) for i in range(len(items))]


# ca imports this module last (see the end of ca.py): by then its classes
# exist, so annotations here resolve at run time too.
from .ca import CertificateAuthority, Profile  # noqa: E402
