package certkit

/*
#include <stdint.h>
#include <stdlib.h>
#include <certkit/certkit.h>
extern int certkitGoBatchProgress(size_t done, size_t total, void* user);
*/
import "C"

import (
	"runtime"
	"runtime/cgo"
	"strconv"
	"unsafe"
)

// BatchItem is one certificate for IssueBatch. The subject key is the
// first set of Key (its public half), PublicKeyPEM, CSR; with none of them
// a fresh key of KeySpec ("" = "ec:p256") is generated. Profile and Options
// are what SignKey / SignCSR take (Options.Subject is required unless CSR).
type BatchItem struct {
	KeySpec      string
	Key          *PrivateKey
	PublicKeyPEM []byte
	CSR          *CertificateRequest
	Profile      Profile
	Options      *IssueOptions
}

// BatchResult is one item's outcome: Certificate (and Key for a fresh-key
// item) or Err, the *Error the single call would return.
type BatchResult struct {
	Certificate *Certificate
	Key         *PrivateKey
	Err         error
}

// BatchOptions tunes IssueBatch.
type BatchOptions struct {
	// Jobs is the number of worker threads; 0 = every core.
	Jobs int
	// Progress is called after each finished item with the number finished
	// and the total, from worker threads but never two calls at once.
	// Returning false cancels: items not started fail with CodeCancelled.
	Progress func(done, total int) bool
}

//export certkitGoBatchProgress
func certkitGoBatchProgress(done, total C.size_t, user unsafe.Pointer) C.int {
	progress := cgo.Handle(*(*C.uintptr_t)(user)).Value().(func(done, total int) bool)
	if progress(int(done), int(total)) {
		return 0
	}
	return 1
}

// progressCallback gives the C callback and user pointer that call
// |progress| (NULL for nil) and the function releasing them after the call.
func progressCallback(progress func(done, total int) bool) (C.CertkitProgressCallback, unsafe.Pointer, func()) {
	if progress == nil {
		return nil, nil, func() {}
	}
	h := cgo.NewHandle(progress)
	user := C.malloc(C.size_t(unsafe.Sizeof(C.uintptr_t(0))))
	*(*C.uintptr_t)(user) = C.uintptr_t(h)
	return C.CertkitProgressCallback(C.certkitGoBatchProgress), user, func() {
		C.free(user)
		h.Delete()
	}
}

// IssueBatch issues |items| with ca on a thread pool and returns one result
// per item, in order: an item's error never stops the others. The error is
// non-nil when the batch could not run (an item that cannot be added, e.g.
// an unknown key spec, names its index) or was cancelled (CodeCancelled;
// the results are still returned). opts may be nil.
func (ca *CertificateAuthority) IssueBatch(items []BatchItem, opts *BatchOptions) ([]BatchResult, error) {
	defer runtime.KeepAlive(ca)
	var b *C.CertkitBatch
	if err := call(func() C.CertkitError { return C.certkit_batch_new(ca.p, &b) }); err != nil {
		return nil, err
	}
	defer C.certkit_batch_free(b)
	for i := range items {
		if err := addBatchItem(b, &items[i]); err != nil {
			if e, ok := err.(*Error); ok {
				e.Message = "item " + strconv.Itoa(i) + ": " + e.Message
			}
			return nil, err
		}
	}
	if opts == nil {
		opts = &BatchOptions{}
	}
	progress, user, release := progressCallback(opts.Progress)
	defer release()
	runErr := call(func() C.CertkitError { return C.certkit_batch_run(b, C.int(opts.Jobs), progress, user) })
	if runErr != nil && runErr.(*Error).Code != CodeCancelled {
		return nil, runErr
	}
	results := make([]BatchResult, len(items))
	for i := range results {
		index := C.size_t(i)
		var cert *C.CertkitCert
		if err := call(func() C.CertkitError { return C.certkit_batch_item_cert(b, index, &cert) }); err != nil {
			results[i].Err = err
			continue
		}
		results[i].Certificate = wrapCert(cert)
		var key *C.CertkitKey
		if C.certkit_batch_item_key(b, index, &key) == C.CERTKIT_OK {
			results[i].Key = wrapKey(key)
		}
	}
	return results, runErr
}

// addBatchItem appends |item| to |b|.
func addBatchItem(b *C.CertkitBatch, item *BatchItem) error {
	defer runtime.KeepAlive(item.Key)
	defer runtime.KeepAlive(item.CSR)
	p, err := item.Profile.build()
	if err != nil {
		return err
	}
	defer C.certkit_profile_free(p)
	o, err := item.Options.build()
	if err != nil {
		return err
	}
	defer C.certkit_issue_options_free(o)
	return call(func() C.CertkitError {
		switch {
		case item.Key != nil:
			return C.certkit_batch_add_key(b, item.Key.p, p, o)
		case item.PublicKeyPEM != nil:
			pem := newBytes(item.PublicKeyPEM)
			return C.certkit_batch_add_public_key_pem_n(b, pem.chars(), pem.n, p, o)
		case item.CSR != nil:
			return C.certkit_batch_add_csr(b, item.CSR.p, p, o)
		}
		spec := item.KeySpec
		if spec == "" {
			spec = "ec:p256"
		}
		s := newText(spec)
		return C.certkit_batch_add_new_key_n(b, s.p, s.n, p, o)
	})
}
