"""Cluster issuance: `certkit cluster init | add | renew | rotate-ca` as
functions (certkit_cluster_*; C++ certkit/cluster.h, certkit/rotation.h).
Each writes a cluster directory (ca.crt, ca-private/ca.key, nodes/<host>/,
clients/<user>/, trust stores, manifest.json; docs/CLI.md) and returns the
manifest as a dict (cluster_rotate_ca: a RotationResult holding it)."""
import ctypes
import datetime
import json
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import _capi
from ._base import _Handle, _b, _check, _out_handle, _owned, _take_buffer, PathLike, Text
from .batch import Progress, _progress_callback
from .names import Name


class _ClusterOptions(_Handle):
    _free = staticmethod(_capi.certkit_cluster_options_free)

    def __init__(self, nodes: Sequence[Text], clients: Sequence[Text], key_spec: Optional[Text],
                 formats: Optional[Union[Text, Sequence[str]]], store_password: Optional[Text],
                 truststore_password: Optional[Text], organization: Optional[Text],
                 ca_subject: Optional[Union[Name, Text]], days: Optional[int], jobs: int,
                 overwrite: bool, ca_key_spec: Optional[Text] = None,
                 ca_days: Optional[int] = None, cross_sign: bool = False,
                 reissue_only: Sequence[Text] = (), p12_profile: Optional[Text] = None,
                 spiffe_id: Optional[Text] = None) -> None:
        super().__init__(_out_handle(_capi.certkit_cluster_options_new))
        texts = [(_capi.certkit_cluster_options_add_node_n, n) for n in nodes]
        texts += [(_capi.certkit_cluster_options_add_client_n, c) for c in clients]
        texts += [(_capi.certkit_cluster_options_add_reissue_only_n, n) for n in reissue_only]
        if formats is not None and not isinstance(formats, (str, bytes)):
            formats = ",".join(formats)
        for setter, value in ((_capi.certkit_cluster_options_set_key_spec_n, key_spec),
                              (_capi.certkit_cluster_options_set_formats_n, formats),
                              (_capi.certkit_cluster_options_set_store_password_n,
                               store_password),
                              (_capi.certkit_cluster_options_set_truststore_password_n,
                               truststore_password),
                              (_capi.certkit_cluster_options_set_organization_n, organization),
                              (_capi.certkit_cluster_options_set_ca_key_spec_n, ca_key_spec),
                              (_capi.certkit_cluster_options_set_pkcs12_profile_n, p12_profile),
                              (_capi.certkit_cluster_options_set_spiffe_id_n, spiffe_id)):
            if value is not None:
                texts.append((setter, value))
        for setter, value in texts:
            data = _b(value)
            _check(setter(self, data, len(data)))
        if ca_subject is not None:
            with _owned(Name.coerce(ca_subject), ca_subject) as name:
                _check(_capi.certkit_cluster_options_set_ca_subject(self, name))
        if days is not None:
            _check(_capi.certkit_cluster_options_set_days(self, days))
        if ca_days is not None:
            _check(_capi.certkit_cluster_options_set_ca_days(self, ca_days))
        _check(_capi.certkit_cluster_options_set_cross_sign(self, int(bool(cross_sign))))
        _check(_capi.certkit_cluster_options_set_jobs(self, jobs))
        _check(_capi.certkit_cluster_options_set_overwrite(self, int(bool(overwrite))))


def _run(options: _ClusterOptions, progress: Optional[Progress], call: Any) -> Any:
    """Sets |progress| on |options|, runs |call()| (a C status) and raises
    what the callback raised or the call's error."""
    raised: List[BaseException] = []
    callback = _progress_callback(progress, raised)
    _check(_capi.certkit_cluster_options_set_progress(options, callback, None))
    rc = call()
    if raised:
        raise raised[0]
    _check(rc)


def _manifest(pointer: ctypes.c_void_p, length: ctypes.c_size_t) -> Dict[str, Any]:
    return json.loads(_take_buffer(pointer, length).decode("utf-8"))


def _init_or_add(function: Any, dir: PathLike, options: _ClusterOptions,
                 progress: Optional[Progress]) -> Dict[str, Any]:
    """Runs certkit_cluster_init_n / _add_n on |dir|; returns the manifest."""
    path = _b(dir)
    pointer, length = ctypes.c_void_p(), ctypes.c_size_t()
    _run(options, progress, lambda: function(options, path, len(path), ctypes.byref(pointer),
                                             ctypes.byref(length)))
    return _manifest(pointer, length)


def cluster_init(dir: PathLike, nodes: Sequence[Text], clients: Sequence[Text] = (), *,
                 store_password: Optional[Text] = None,
                 truststore_password: Optional[Text] = None, key_spec: Optional[Text] = None,
                 formats: Optional[Union[Text, Sequence[str]]] = None,
                 organization: Optional[Text] = None,
                 ca_subject: Optional[Union[Name, Text]] = None, days: Optional[int] = None,
                 jobs: int = 0, overwrite: bool = False, p12_profile: Optional[Text] = None,
                 spiffe_id: Optional[Text] = None,
                 progress: Optional[Progress] = None) -> Dict[str, Any]:
    """Creates a cluster in |dir|: a new CA, |nodes| (host names or IPs) and
    |clients| (user names) with PEM files and, per |formats| (default
    "pem,jks,p12"), JKS/PKCS#12 stores protected by |store_password|
    (|truststore_password| defaults to it), PKCS#12 in |p12_profile|
    ("modern" by default, "modern2026", "legacy", "passwordless-truststore";
    see docs/SECURITY.md). |spiffe_id| is a SPIFFE ID template (e.g.
    "spiffe://cluster.example/cassandra/{name}", as `--spiffe-id`) every
    node and client certificate gets a URI SAN from, recorded for add, renew
    and rotate; InvalidArgumentError names the rule an invalid one breaks.
    |progress(done, total)| is told
    about each leaf; returning False cancels (CancelledError, no manifest).
    Returns the manifest. AlreadyExistsError when |dir| holds a cluster."""
    with _ClusterOptions(nodes, clients, key_spec, formats, store_password, truststore_password,
                         organization, ca_subject, days, jobs, overwrite,
                         p12_profile=p12_profile, spiffe_id=spiffe_id) as options:
        return _init_or_add(_capi.certkit_cluster_init_n, dir, options, progress)


def cluster_add(dir: PathLike, nodes: Sequence[Text] = (), clients: Sequence[Text] = (), *,
                store_password: Optional[Text] = None,
                truststore_password: Optional[Text] = None, key_spec: Optional[Text] = None,
                days: Optional[int] = None, jobs: int = 0, p12_profile: Optional[Text] = None,
                progress: Optional[Progress] = None) -> Dict[str, Any]:
    """Issues new |nodes| and |clients| into the cluster in |dir| with its CA
    and recorded settings; returns the updated manifest. One already there
    is AlreadyExistsError and nothing is issued."""
    with _ClusterOptions(nodes, clients, key_spec, None, store_password, truststore_password,
                         None, None, days, jobs, False, p12_profile=p12_profile) as options:
        return _init_or_add(_capi.certkit_cluster_add_n, dir, options, progress)


def cluster_renew(dir: PathLike, within: Union[datetime.timedelta, int], *,
                  store_password: Optional[Text] = None,
                  truststore_password: Optional[Text] = None, key_spec: Optional[Text] = None,
                  days: Optional[int] = None, jobs: int = 0, p12_profile: Optional[Text] = None,
                  progress: Optional[Progress] = None) -> Tuple[Dict[str, Any], List[str]]:
    """Re-issues every leaf of the cluster in |dir| expiring within |within|
    (a timedelta or seconds); returns (manifest, renewed names)."""
    path = _b(dir)
    seconds = int(within.total_seconds()) if isinstance(within, datetime.timedelta) else within
    with _ClusterOptions((), (), key_spec, None, store_password, truststore_password, None,
                         None, days, jobs, False, p12_profile=p12_profile) as options:
        pointer, length = ctypes.c_void_p(), ctypes.c_size_t()
        renewed = ctypes.c_void_p()
        _run(options, progress, lambda: _capi.certkit_cluster_renew_n(
            options, path, len(path), seconds, ctypes.byref(pointer), ctypes.byref(length),
            ctypes.byref(renewed)))
        try:
            names = json.loads(ctypes.string_at(renewed.value).decode("utf-8"))
        finally:
            _capi.certkit_buffer_free(renewed)
        return _manifest(pointer, length), names


class RotationResult:
    """What one cluster_rotate_ca stage did: |stage| ("new-ca", "trust-both",
    "reissue", "retire-old"), |changed| (False: it had already been done),
    |finished| (reissue: every leaf is on the new CA), |reissued| (names
    re-issued now), |pending| (names still on the old CA, as |only| takes
    them), |written| ((path, what) pairs in write order, the manifest
    last), |next_stage| (what stage=None runs next; "" once the
    rotation is done: a new one starts only with stage="new-ca") and |manifest| (the saved manifest, a dict)."""

    def __init__(self, result: Dict[str, Any]) -> None:
        self.stage: str = result["stage"]
        self.changed: bool = result["changed"]
        self.finished: bool = result["finished"]
        self.reissued: List[str] = result["reissued"]
        self.pending: List[str] = result["pending"]
        self.written: List[Tuple[str, str]] = [(w["path"], w["what"]) for w in result["written"]]
        self.next_stage: str = result["next_stage"]
        self.manifest: Dict[str, Any] = result["manifest"]

    def __repr__(self) -> str:
        return "RotationResult(stage=%r, changed=%r, finished=%r, pending=%r)" % (
            self.stage, self.changed, self.finished, self.pending)


def cluster_rotate_ca(dir: PathLike, stage: Optional[Text] = None, *,
                      store_password: Optional[Text] = None,
                      truststore_password: Optional[Text] = None,
                      key_spec: Optional[Text] = None, days: Optional[int] = None,
                      ca_subject: Optional[Union[Name, Text]] = None,
                      ca_key_spec: Optional[Text] = None, ca_days: Optional[int] = None,
                      cross_sign: bool = False, only: Sequence[Text] = (), jobs: int = 0,
                      p12_profile: Optional[Text] = None,
                      progress: Optional[Progress] = None) -> RotationResult:
    """Runs one stage of replacing the CA of the cluster in |dir| (None: the
    next pending one; see certkit_cluster_rotate_ca). new-ca takes
    |ca_subject|, |ca_key_spec|, |ca_days| and |cross_sign|; reissue
    re-issues |only| those nodes/clients (default all) with the leaf
    settings. InvalidArgumentError when a stage runs out of order, and for
    retire-old while leaves still use the old CA (the message names them)."""
    path = _b(dir)
    stage_text = None if stage is None else _b(stage)
    with _ClusterOptions((), (), key_spec, None, store_password, truststore_password, None,
                         ca_subject, days, jobs, False, ca_key_spec=ca_key_spec,
                         ca_days=ca_days, cross_sign=cross_sign, reissue_only=only,
                         p12_profile=p12_profile) as options:
        pointer, length = ctypes.c_void_p(), ctypes.c_size_t()
        _run(options, progress, lambda: _capi.certkit_cluster_rotate_ca_n(
            options, path, len(path), stage_text, 0 if stage_text is None else len(stage_text),
            ctypes.byref(pointer), ctypes.byref(length)))
        return RotationResult(_manifest(pointer, length))
