"""Signing profiles and certificate authorities."""
from typing import Any, Callable, List, Optional, Sequence, Union

from . import _capi
from ._base import _Handle, _b, _check, _lookup, _out_handle, _owned, _pw, _seconds, Text, When
from .certs import Certificate, CertificatesLike, _CertList
from .csr import CertificateRequest
from .keys import PrivateKey
from .keystore import KeyStore
from .names import Name


_POLICIES = {
    "permissive": _capi.CERTKIT_POLICY_PERMISSIVE,
    "cockroach": _capi.CERTKIT_POLICY_COCKROACH,
}


class Profile(_Handle):
    """A signing profile: "node", "server", "client" or "intermediate",
    optionally adjusted (days, key_usage bits, extended_key_usage, require_san)."""

    _free = staticmethod(_capi.certkit_profile_free)

    def __init__(self, name: Text = "server", *, days: Optional[int] = None,
                 key_usage: Optional[int] = None,
                 extended_key_usage: Optional[Union[Text, Sequence[str]]] = None,
                 require_san: Optional[bool] = None) -> None:
        data = _b(name)
        super().__init__(_out_handle(_capi.certkit_profile_new_n, data, len(data)))
        if days is not None:
            _check(_capi.certkit_profile_set_days(self, days))
        if key_usage is not None:
            _check(_capi.certkit_profile_set_key_usage(self, key_usage))
        if extended_key_usage is not None:
            if not isinstance(extended_key_usage, (str, bytes)):
                extended_key_usage = ",".join(extended_key_usage)
            ekus = _b(extended_key_usage)
            _check(_capi.certkit_profile_set_extended_key_usage_n(self, ekus, len(ekus)))
        if require_san is not None:
            _check(_capi.certkit_profile_set_require_san(self, int(bool(require_san))))

    @classmethod
    def coerce(cls, value: Union["Profile", Text]) -> "Profile":
        return value if isinstance(value, Profile) else cls(value)


class _CaOptions(_Handle):
    _free = staticmethod(_capi.certkit_ca_options_free)

    def __init__(self, subject, key_spec, key, days, path_len, not_before, allow_beyond_issuer):
        super().__init__(_out_handle(_capi.certkit_ca_options_new))
        with _owned(Name.coerce(subject), subject) as name:
            _check(_capi.certkit_ca_options_set_subject(self, name))
        if key is not None:
            _check(_capi.certkit_ca_options_set_key(self, key))
        elif key_spec is not None:
            spec = _b(key_spec)
            _check(_capi.certkit_ca_options_set_key_spec_n(self, spec, len(spec)))
        if days is not None:
            _check(_capi.certkit_ca_options_set_days(self, days))
        if path_len is not None:
            _check(_capi.certkit_ca_options_set_path_len(self, path_len))
        if not_before is not None:
            _check(_capi.certkit_ca_options_set_not_before(self, _seconds(not_before)))
        if allow_beyond_issuer:
            _check(_capi.certkit_ca_options_set_allow_beyond_issuer(self, 1))


class _IssueOptions(_Handle):
    _free = staticmethod(_capi.certkit_issue_options_free)

    def __init__(self, days, not_before, sans, subject, policy, allow_beyond_issuer):
        super().__init__(_out_handle(_capi.certkit_issue_options_new))
        if days is not None:
            _check(_capi.certkit_issue_options_set_days(self, days))
        if not_before is not None:
            _check(_capi.certkit_issue_options_set_not_before(self, _seconds(not_before)))
        if sans:
            if not isinstance(sans, (str, bytes)):
                sans = ",".join(sans)
            data = _b(sans)
            _check(_capi.certkit_issue_options_add_sans_n(self, data, len(data)))
        if subject is not None:
            with _owned(Name.coerce(subject), subject) as name:
                _check(_capi.certkit_issue_options_set_subject(self, name))
        if policy is not None:
            _check(_capi.certkit_issue_options_set_policy(
                self, _lookup(_POLICIES, policy, "policy")))
        if allow_beyond_issuer:
            _check(_capi.certkit_issue_options_set_allow_beyond_issuer(self, 1))


class CertificateAuthority(_Handle):
    """A CA: its certificate, key and chain; issues certificates."""

    _free = staticmethod(_capi.certkit_ca_free)

    @classmethod
    def create_root(cls, subject: Union[Name, Text], *, key_spec: Optional[Text] = None,
                    key: Optional[PrivateKey] = None, days: Optional[int] = None,
                    path_len: Optional[int] = None,
                    not_before: Optional[When] = None) -> "CertificateAuthority":
        """A new self-signed root CA (key generated from |key_spec| unless |key|)."""
        with _CaOptions(subject, key_spec, key, days, path_len, not_before, False) as options:
            return cls._wrap(_out_handle(_capi.certkit_ca_create_root, options))

    def create_intermediate(self, subject: Union[Name, Text], *, key_spec: Optional[Text] = None,
                            key: Optional[PrivateKey] = None, days: Optional[int] = None,
                            path_len: Optional[int] = None, not_before: Optional[When] = None,
                            allow_beyond_issuer: bool = False) -> "CertificateAuthority":
        """A new intermediate CA signed by this one."""
        with _CaOptions(subject, key_spec, key, days, path_len, not_before,
                        allow_beyond_issuer) as options:
            return CertificateAuthority._wrap(
                _out_handle(_capi.certkit_ca_create_intermediate, self, options))

    @classmethod
    def load(cls, certificate: Union[Certificate, Text], key: PrivateKey,
             chain: Optional[CertificatesLike] = None) -> "CertificateAuthority":
        """From a Certificate, PrivateKey and optional chain to the root."""
        with _owned(Certificate.coerce(certificate), certificate) as cert:
            if chain is None:
                return cls._wrap(_out_handle(_capi.certkit_ca_load, cert, key, None))
            with _CertList.of(chain) as chain_list:
                return cls._wrap(_out_handle(_capi.certkit_ca_load, cert, key, chain_list))

    @classmethod
    def load_pem(cls, cert_pem: Text, key_pem: Text,
                 password: Optional[Text] = None) -> "CertificateAuthority":
        cert, key = _b(cert_pem), _b(key_pem)
        pw, pw_len = _pw(password)
        return cls._wrap(_out_handle(_capi.certkit_ca_load_pem_n, cert, len(cert), key,
                                     len(key), pw, pw_len))

    @classmethod
    def from_keystore(cls, store: "KeyStore",
                      alias: Optional[Text] = None) -> "CertificateAuthority":
        a = _b(alias)
        return cls._wrap(_out_handle(_capi.certkit_ca_load_keystore_n, store, a,
                                     len(a) if a is not None else 0))

    @property
    def certificate(self) -> Certificate:
        return Certificate._wrap(_out_handle(_capi.certkit_ca_certificate, self))

    @property
    def key(self) -> PrivateKey:
        return PrivateKey._wrap(_out_handle(_capi.certkit_ca_key, self))

    @property
    def chain(self) -> List[Certificate]:
        """The CA certificate followed by its issuers up to the root."""
        with _CertList._wrap(_out_handle(_capi.certkit_ca_chain, self)) as lst:
            return lst.to_list()

    def sign(self, csr: Union[CertificateRequest, Text], profile: Union[Profile, Text] = "server",
             *, days: Optional[int] = None, not_before: Optional[When] = None,
             sans: Optional[Union[Text, Sequence[str]]] = None,
             subject: Optional[Union[Name, Text]] = None, policy: Optional[str] = None,
             allow_beyond_issuer: bool = False) -> Certificate:
        """Issues a certificate for |csr| (a CertificateRequest or PEM) with
        |profile| (a Profile or its name)."""
        with _owned(csr if isinstance(csr, CertificateRequest)
                    else CertificateRequest.from_pem(csr), csr) as request, \
                _owned(Profile.coerce(profile), profile) as prof, \
                _IssueOptions(days, not_before, sans, subject, policy,
                              allow_beyond_issuer) as options:
            return Certificate._wrap(_out_handle(_capi.certkit_ca_sign_csr, self, request, prof,
                                                 options))

    def issue_batch(self, items: Sequence["BatchItem"], *, jobs: int = 0,
                    progress: Optional[Callable[[int, int], Any]] = None) -> List["BatchResult"]:
        """Issues many certificates on a thread pool: see certkit.batch.issue_batch."""
        from .batch import issue_batch
        return issue_batch(self, items, jobs=jobs, progress=progress)

    def sign_key(self, key: PrivateKey, subject: Union[Name, Text],
                 profile: Union[Profile, Text] = "server", *, days: Optional[int] = None,
                 not_before: Optional[When] = None,
                 sans: Optional[Union[Text, Sequence[str]]] = None,
                 policy: Optional[str] = None,
                 allow_beyond_issuer: bool = False) -> Certificate:
        """Issues a certificate for the public half of |key| named |subject|."""
        with _owned(Profile.coerce(profile), profile) as prof, \
                _IssueOptions(days, not_before, sans, subject, policy,
                              allow_beyond_issuer) as options:
            return Certificate._wrap(_out_handle(_capi.certkit_ca_sign_key, self, key, prof,
                                                 options))


# batch imports this module; its names are bound last so that annotations
# resolve at run time (typing.get_type_hints), not only for type checkers.
from .batch import BatchItem, BatchResult  # noqa: E402
