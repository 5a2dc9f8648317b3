package certkit

/*
#include <certkit/certkit.h>
*/
import "C"

import "runtime"

// KeyType is the algorithm of a PrivateKey.
type KeyType int

// Key algorithms.
const (
	KeyRSA     KeyType = C.CERTKIT_KEY_RSA
	KeyECP256  KeyType = C.CERTKIT_KEY_EC_P256
	KeyECP384  KeyType = C.CERTKIT_KEY_EC_P384
	KeyEd25519 KeyType = C.CERTKIT_KEY_ED25519
	KeyECP521  KeyType = C.CERTKIT_KEY_EC_P521
)

func (t KeyType) String() string {
	switch t {
	case KeyRSA:
		return "rsa"
	case KeyECP256:
		return "ec:p256"
	case KeyECP384:
		return "ec:p384"
	case KeyEd25519:
		return "ed25519"
	case KeyECP521:
		return "ec:p521"
	}
	return "unknown"
}

// KeyFormat selects the unencrypted PEM/DER encoding of a key.
type KeyFormat int

// Key encodings.
const (
	FormatPKCS8       KeyFormat = C.CERTKIT_KEY_FORMAT_PKCS8       // "PRIVATE KEY"
	FormatTraditional KeyFormat = C.CERTKIT_KEY_FORMAT_TRADITIONAL // "RSA/EC PRIVATE KEY"
)

// PrivateKey is a private key and its public half. Close releases it (a
// finalizer does so otherwise).
type PrivateKey struct{ p *C.CertkitKey }

func wrapKey(p *C.CertkitKey) *PrivateKey {
	k := &PrivateKey{p}
	runtime.SetFinalizer(k, (*PrivateKey).Close)
	return k
}

// Close releases the key (idempotent).
func (k *PrivateKey) Close() {
	if k != nil && k.p != nil {
		C.certkit_key_free(k.p)
		k.p = nil
		runtime.SetFinalizer(k, nil)
	}
}

// GenerateKey creates a key: "rsa:2048", "rsa:3072", "rsa:4096", "ec:p256",
// "ec:p384", "ec:p521" or "ed25519".
func GenerateKey(spec string) (*PrivateKey, error) {
	s := newText(spec)
	var out *C.CertkitKey
	if err := call(func() C.CertkitError { return C.certkit_key_generate_n(s.p, s.n, &out) }); err != nil {
		return nil, err
	}
	return wrapKey(out), nil
}

// ParsePrivateKeyPEM parses a PKCS#8 (plain or encrypted), PKCS#1, SEC 1 or
// legacy-encrypted PEM key; password "" means none. A wrong or missing
// password is an error with CodeBadPassword.
func ParsePrivateKeyPEM(pem []byte, password string) (*PrivateKey, error) {
	data, pw := newBytes(pem), newOptText(password)
	var out *C.CertkitKey
	err := call(func() C.CertkitError {
		return C.certkit_key_from_pem_n(data.chars(), data.n, pw.p, pw.n, &out)
	})
	if err != nil {
		return nil, err
	}
	return wrapKey(out), nil
}

// ParsePrivateKeyDER parses a DER PKCS#8 (plain or encrypted), PKCS#1 or SEC 1 key.
func ParsePrivateKeyDER(der []byte, password string) (*PrivateKey, error) {
	data, pw := newBytes(der), newOptText(password)
	var out *C.CertkitKey
	err := call(func() C.CertkitError {
		return C.certkit_key_from_der_n(data.p, data.n, pw.p, pw.n, &out)
	})
	if err != nil {
		return nil, err
	}
	return wrapKey(out), nil
}

// Type returns the key algorithm.
func (k *PrivateKey) Type() (KeyType, error) {
	var t C.CertkitKeyType
	err := call(func() C.CertkitError { return C.certkit_key_type(k.p, &t) })
	runtime.KeepAlive(k)
	return KeyType(t), err
}

// Bits returns the key size (RSA modulus bits, EC field bits, 256 for Ed25519).
func (k *PrivateKey) Bits() (int, error) {
	var b C.int
	err := call(func() C.CertkitError { return C.certkit_key_bits(k.p, &b) })
	runtime.KeepAlive(k)
	return int(b), err
}

// Description returns text such as "RSA 2048" or "EC P-256".
func (k *PrivateKey) Description() (string, error) {
	defer runtime.KeepAlive(k)
	return textOut(func(o **C.char, n *C.size_t) C.CertkitError { return C.certkit_key_describe(k.p, o, n) })
}

// PEM returns the unencrypted key in |format|.
func (k *PrivateKey) PEM(format KeyFormat) (string, error) {
	defer runtime.KeepAlive(k)
	return textOut(func(o **C.char, n *C.size_t) C.CertkitError {
		return C.certkit_key_to_pem(k.p, C.CertkitKeyFormat(format), o, n)
	})
}

// DER returns the unencrypted key in |format|; the library's copy is wiped.
// Wipe the returned bytes when done with them.
func (k *PrivateKey) DER(format KeyFormat) ([]byte, error) {
	defer runtime.KeepAlive(k)
	return secretBytesOut(func(o **C.uint8_t, n *C.size_t) C.CertkitError {
		return C.certkit_key_to_der(k.p, C.CertkitKeyFormat(format), o, n)
	})
}

// EncryptedPEM returns an encrypted PKCS#8 PEM key (PBES2, AES-256-CBC).
func (k *PrivateKey) EncryptedPEM(password string) (string, error) {
	defer runtime.KeepAlive(k)
	pw := newText(password)
	return textOut(func(o **C.char, n *C.size_t) C.CertkitError {
		return C.certkit_key_to_encrypted_pem_n(k.p, pw.p, pw.n, o, n)
	})
}

// EncryptedDER returns an encrypted PKCS#8 DER key.
func (k *PrivateKey) EncryptedDER(password string) ([]byte, error) {
	defer runtime.KeepAlive(k)
	pw := newText(password)
	return bytesOut(func(o **C.uint8_t, n *C.size_t) C.CertkitError {
		return C.certkit_key_to_encrypted_der_n(k.p, pw.p, pw.n, o, n)
	})
}

// PublicKeyPEM returns the public half as a "PUBLIC KEY" PEM.
func (k *PrivateKey) PublicKeyPEM() (string, error) {
	defer runtime.KeepAlive(k)
	return textOut(func(o **C.char, n *C.size_t) C.CertkitError { return C.certkit_key_public_pem(k.p, o, n) })
}
