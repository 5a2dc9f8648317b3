package certkit

/*
#include <certkit/certkit.h>
*/
import "C"

import (
	"runtime"
	"time"
)

// StoreFormat is a key store encoding.
type StoreFormat int

// Key store formats.
const (
	StoreAuto   StoreFormat = C.CERTKIT_STORE_AUTO // detect when loading
	StoreJKS    StoreFormat = C.CERTKIT_STORE_JKS
	StoreJCEKS  StoreFormat = C.CERTKIT_STORE_JCEKS // read-only
	StorePKCS12 StoreFormat = C.CERTKIT_STORE_PKCS12
	StorePEM    StoreFormat = C.CERTKIT_STORE_PEM
)

func (f StoreFormat) String() string {
	return C.GoString(C.certkit_store_format_name(C.CertkitStoreFormat(f)))
}

// SaveFlags adjust KeyStore.Save.
type SaveFlags uint

// Save flags. PKCS#12 is written in the "modern" profile (PBES2 AES-256,
// HMAC-SHA256 MAC) unless one SavePKCS12* profile flag names another; two
// of them together fail with CodeInvalidArgument (docs/SECURITY.md).
const (
	SavePKCS12Legacy SaveFlags = C.CERTKIT_SAVE_PKCS12_LEGACY  // "legacy": 3DES/RC2, SHA-1 MAC (Java 8)
	SavePEMPlainKeys SaveFlags = C.CERTKIT_SAVE_PEM_PLAIN_KEYS // PEM: do not encrypt keys
	// "modern2026": PBES2 AES-256 and a PBMAC1 MAC (RFC 9579; OpenSSL 3.4+,
	// not OpenSSL 3.0 or Java 17).
	SavePKCS12Modern2026 SaveFlags = C.CERTKIT_SAVE_PKCS12_MODERN2026
	// "passwordless-truststore": certificates only, no password, no MAC; a
	// store with a private key fails with CodeInvalidArgument.
	SavePKCS12PasswordlessTruststore SaveFlags = C.CERTKIT_SAVE_PKCS12_PASSWORDLESS_TRUSTSTORE
)

// EntryType is the kind of a key store entry.
type EntryType int

// Entry kinds.
const (
	EntryPrivateKey  EntryType = C.CERTKIT_ENTRY_PRIVATE_KEY
	EntryTrustedCert EntryType = C.CERTKIT_ENTRY_TRUSTED_CERT
)

func (t EntryType) String() string {
	if t == EntryPrivateKey {
		return "PrivateKeyEntry"
	}
	return "trustedCertEntry"
}

// KeyStore is a JKS / JCEKS / PKCS#12 / PEM key store. Aliases are
// case-insensitive.
type KeyStore struct{ p *C.CertkitKeystore }

func wrapStore(p *C.CertkitKeystore) *KeyStore {
	s := &KeyStore{p}
	runtime.SetFinalizer(s, (*KeyStore).Close)
	return s
}

// Close releases the store (idempotent).
func (s *KeyStore) Close() {
	if s != nil && s.p != nil {
		C.certkit_keystore_free(s.p)
		s.p = nil
		runtime.SetFinalizer(s, nil)
	}
}

// NewKeyStore returns an empty store.
func NewKeyStore() (*KeyStore, error) {
	var out *C.CertkitKeystore
	if err := call(func() C.CertkitError { return C.certkit_keystore_new(&out) }); err != nil {
		return nil, err
	}
	return wrapStore(out), nil
}

// LoadKeyStore parses store bytes. A wrong password is CodeBadPassword, a
// corrupted store CodeIntegrity.
func LoadKeyStore(data []byte, password string, format StoreFormat) (*KeyStore, error) {
	d, pw := newBytes(data), newOptText(password)
	var out *C.CertkitKeystore
	if err := call(func() C.CertkitError {
		return C.certkit_keystore_load_n(d.p, d.n, pw.p, pw.n, C.CertkitStoreFormat(format), &out)
	}); err != nil {
		return nil, err
	}
	return wrapStore(out), nil
}

// LoadKeyStoreFile reads and parses a store file.
func LoadKeyStoreFile(path, password string, format StoreFormat) (*KeyStore, error) {
	p, pw := newText(path), newOptText(password)
	var out *C.CertkitKeystore
	if err := call(func() C.CertkitError {
		return C.certkit_keystore_load_file_n(p.p, p.n, pw.p, pw.n, C.CertkitStoreFormat(format), &out)
	}); err != nil {
		return nil, err
	}
	return wrapStore(out), nil
}

// ConvertKeyStore loads |data| and saves it as |outFormat| in one step.
func ConvertKeyStore(data []byte, inPassword string, inFormat, outFormat StoreFormat, outPassword string, flags SaveFlags) ([]byte, error) {
	d, ip, op := newBytes(data), newOptText(inPassword), newOptText(outPassword)
	return bytesOut(func(o **C.uint8_t, n *C.size_t) C.CertkitError {
		return C.certkit_keystore_convert_n(d.p, d.n, ip.p, ip.n, C.CertkitStoreFormat(inFormat),
			C.CertkitStoreFormat(outFormat), op.p, op.n, C.uint(flags), o, n)
	})
}

// Format returns the format the store was loaded from (StoreAuto when new).
func (s *KeyStore) Format() (StoreFormat, error) {
	var f C.CertkitStoreFormat
	err := call(func() C.CertkitError { return C.certkit_keystore_format(s.p, &f) })
	runtime.KeepAlive(s)
	return StoreFormat(f), err
}

// Save serializes the store (StoreJKS, StorePKCS12 or StorePEM).
func (s *KeyStore) Save(format StoreFormat, password string, flags SaveFlags) ([]byte, error) {
	defer runtime.KeepAlive(s)
	pw := newOptText(password)
	return bytesOut(func(o **C.uint8_t, n *C.size_t) C.CertkitError {
		return C.certkit_keystore_save_n(s.p, C.CertkitStoreFormat(format), pw.p, pw.n, C.uint(flags), o, n)
	})
}

// SaveFile writes the store atomically (mode 0600 when it holds keys).
func (s *KeyStore) SaveFile(path string, format StoreFormat, password string, flags SaveFlags) error {
	defer runtime.KeepAlive(s)
	p, pw := newText(path), newOptText(password)
	return call(func() C.CertkitError {
		return C.certkit_keystore_save_file_n(s.p, p.p, p.n, C.CertkitStoreFormat(format), pw.p, pw.n, C.uint(flags))
	})
}

// Aliases lists every alias (lower-cased) in store order.
func (s *KeyStore) Aliases() ([]string, error) {
	defer runtime.KeepAlive(s)
	var count C.size_t
	if err := call(func() C.CertkitError { return C.certkit_keystore_count(s.p, &count) }); err != nil {
		return nil, err
	}
	aliases := make([]string, 0, int(count))
	for i := C.size_t(0); i < count; i++ {
		a, err := textOut(func(o **C.char, n *C.size_t) C.CertkitError { return C.certkit_keystore_alias_at(s.p, i, o, n) })
		if err != nil {
			return nil, err
		}
		aliases = append(aliases, a)
	}
	return aliases, nil
}

// withAlias runs f with |alias| as C text.
func (s *KeyStore) withAlias(alias string, f func(*C.char, C.size_t) C.CertkitError) error {
	defer runtime.KeepAlive(s)
	a := newText(alias)
	return call(func() C.CertkitError { return f(a.p, a.n) })
}

// Contains reports whether |alias| exists.
func (s *KeyStore) Contains(alias string) bool {
	_, err := s.EntryType(alias)
	return err == nil
}

// EntryType returns the kind of entry |alias| (CodeNotFound when absent).
func (s *KeyStore) EntryType(alias string) (EntryType, error) {
	var t C.CertkitEntryType
	err := s.withAlias(alias, func(a *C.char, n C.size_t) C.CertkitError {
		return C.certkit_keystore_entry_type_n(s.p, a, n, &t)
	})
	return EntryType(t), err
}

// EntryDate returns the creation date of entry |alias|.
func (s *KeyStore) EntryDate(alias string) (time.Time, error) {
	var t C.int64_t
	err := s.withAlias(alias, func(a *C.char, n C.size_t) C.CertkitError {
		return C.certkit_keystore_entry_date_n(s.p, a, n, &t)
	})
	return unixTime(t), err
}

// Certificate returns the (leaf) certificate of |alias|.
func (s *KeyStore) Certificate(alias string) (*Certificate, error) {
	var out *C.CertkitCert
	if err := s.withAlias(alias, func(a *C.char, n C.size_t) C.CertkitError {
		return C.certkit_keystore_get_cert_n(s.p, a, n, &out)
	}); err != nil {
		return nil, err
	}
	return wrapCert(out), nil
}

// Chain returns the chain of |alias|, leaf first.
func (s *KeyStore) Chain(alias string) ([]*Certificate, error) {
	var out *C.CertkitCertList
	if err := s.withAlias(alias, func(a *C.char, n C.size_t) C.CertkitError {
		return C.certkit_keystore_get_chain_n(s.p, a, n, &out)
	}); err != nil {
		return nil, err
	}
	defer C.certkit_cert_list_free(out)
	return listToSlice(out)
}

// Key returns the private key of key entry |alias| (CodeBadKeyPassword
// while it is locked; see UnlockKey).
func (s *KeyStore) Key(alias string) (*PrivateKey, error) {
	var out *C.CertkitKey
	if err := s.withAlias(alias, func(a *C.char, n C.size_t) C.CertkitError {
		return C.certkit_keystore_get_key_n(s.p, a, n, &out)
	}); err != nil {
		return nil, err
	}
	return wrapKey(out), nil
}

// SetKeyEntry adds or replaces key entry |alias|; chain[0] must match key.
func (s *KeyStore) SetKeyEntry(alias string, key *PrivateKey, chain []*Certificate) error {
	defer runtime.KeepAlive(key)
	list, err := newCertList(chain)
	if err != nil {
		return err
	}
	defer C.certkit_cert_list_free(list)
	return s.withAlias(alias, func(a *C.char, n C.size_t) C.CertkitError {
		return C.certkit_keystore_set_key_entry_n(s.p, a, n, key.p, list)
	})
}

// AddTrustedCertificate adds a trusted-certificate entry (CodeAlreadyExists
// when |alias| is taken).
func (s *KeyStore) AddTrustedCertificate(alias string, cert *Certificate) error {
	defer runtime.KeepAlive(cert)
	return s.withAlias(alias, func(a *C.char, n C.size_t) C.CertkitError {
		return C.certkit_keystore_add_trusted_cert_n(s.p, a, n, cert.p)
	})
}

// ImportCAReply installs a CA reply (leaf first) into key entry |alias|.
func (s *KeyStore) ImportCAReply(alias string, reply []*Certificate) error {
	list, err := newCertList(reply)
	if err != nil {
		return err
	}
	defer C.certkit_cert_list_free(list)
	return s.withAlias(alias, func(a *C.char, n C.size_t) C.CertkitError {
		return C.certkit_keystore_import_ca_reply_n(s.p, a, n, list)
	})
}

// Delete removes entry |alias|.
func (s *KeyStore) Delete(alias string) error {
	return s.withAlias(alias, func(a *C.char, n C.size_t) C.CertkitError {
		return C.certkit_keystore_delete_n(s.p, a, n)
	})
}

// Rename renames entry |from| to |to|.
func (s *KeyStore) Rename(from, to string) error {
	t := newText(to)
	return s.withAlias(from, func(a *C.char, n C.size_t) C.CertkitError {
		return C.certkit_keystore_rename_n(s.p, a, n, t.p, t.n)
	})
}

// UnlockKey opens a locked key entry with its own password.
func (s *KeyStore) UnlockKey(alias, keyPassword string) error {
	pw := newText(keyPassword)
	return s.withAlias(alias, func(a *C.char, n C.size_t) C.CertkitError {
		return C.certkit_keystore_unlock_key_n(s.p, a, n, pw.p, pw.n)
	})
}

// Merge copies every entry of |other| (CodeAlreadyExists on a clash unless
// overwrite).
func (s *KeyStore) Merge(other *KeyStore, overwrite bool) error {
	defer runtime.KeepAlive(s)
	defer runtime.KeepAlive(other)
	return call(func() C.CertkitError { return C.certkit_keystore_merge(s.p, other.p, boolInt(overwrite)) })
}

// TrustedCertificates returns the certificate of every trusted entry.
func (s *KeyStore) TrustedCertificates() ([]*Certificate, error) {
	defer runtime.KeepAlive(s)
	var out *C.CertkitCertList
	if err := call(func() C.CertkitError { return C.certkit_keystore_trusted_certs(s.p, &out) }); err != nil {
		return nil, err
	}
	defer C.certkit_cert_list_free(out)
	return listToSlice(out)
}
