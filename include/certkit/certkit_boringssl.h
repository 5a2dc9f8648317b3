/* certkit/certkit_boringssl.h: optional adapter between CertkitSsl and a
 * BoringSSL SSL_CTX / SSL, for drivers whose TLS stack is BoringSSL.
 *
 * This header is the one place where BoringSSL types cross the certkit C
 * ABI, so it is separate and optional: include it only when you link the same
 * BoringSSL as libcertkit.so (Debian: android-libboringssl-dev, headers in
 * /usr/include/android). The functions are exported from libcertkit.so as
 * ordinary certkit_* symbols.
 *
 * Verification during the handshake is certkit's own verifier (the same as
 * certkit_ssl_verify_peer), installed with SSL_CTX_set_custom_verify: chain
 * building, strict RFC 5280 checks and the identity flags are certkit's, not
 * BoringSSL's X509_verify_cert.
 *
 * Typical client:
 *   SSL_CTX* ctx = SSL_CTX_new(TLS_method());
 *   certkit_boringssl_configure_ctx(ssl_config, ctx);
 *   SSL* s = SSL_new(ctx);
 *   certkit_boringssl_set_peer(s, "10.0.0.7");   // IP or host name
 *   ... SSL_set_fd(s, fd); int ret = SSL_connect(s);
 *   CertkitError rc = certkit_boringssl_result(s, ret);  // precise reason
 */
#ifndef CERTKIT_CERTKIT_BORINGSSL_H_
#define CERTKIT_CERTKIT_BORINGSSL_H_

#include <openssl/ssl.h>

#include "certkit/certkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* certkit_boringssl_configure_ctx applies |ssl| to |ctx|: the own certificate
 * chain and private key (if set; a certificate without key or the reverse is
 * CERTKIT_ERROR_INVALID_ARGUMENT), the protocol version range, and the
 * verification mode (CERTKIT_SSL_VERIFY_NONE: none; otherwise certkit's
 * verifier, and servers require a client certificate). |ctx| keeps a
 * reference to |ssl|, so later changes to the trusted certificates and flags
 * take effect for new handshakes and the caller may free |ssl| at once. */
CERTKIT_EXPORT CertkitError certkit_boringssl_configure_ctx(CertkitSsl* ssl, SSL_CTX* ctx);

/* certkit_boringssl_set_peer records the address or host name |peer| that
 * the identity flags check for connection |s| (client side). A host name is
 * also sent as SNI. Without it, the SNI host name set on |s| (if any) is
 * used. */
CERTKIT_EXPORT CertkitError certkit_boringssl_set_peer(SSL* s, const char* peer);
CERTKIT_EXPORT CertkitError certkit_boringssl_set_peer_n(SSL* s, const char* peer,
                                                         size_t peer_length);

/* certkit_boringssl_result turns the return value |ret| of SSL_connect,
 * SSL_accept, SSL_do_handshake, SSL_read or SSL_write on |s| into a
 * CertkitError: CERTKIT_OK when |ret| > 0 and verification (if any) passed;
 * the verifier's code (CERTKIT_ERROR_CERT_EXPIRED, _UNKNOWN_ISSUER,
 * _IDENTITY_MISMATCH, ...) when certkit rejected the peer; otherwise
 * CERTKIT_ERROR_TLS_HANDSHAKE with BoringSSL's reason (e.g. the peer's alert)
 * in certkit_last_error_message(). Call it on the thread that made the call
 * (it reads that thread's BoringSSL error queue). */
CERTKIT_EXPORT CertkitError certkit_boringssl_result(SSL* s, int ret);

/* certkit_boringssl_check_connection re-verifies the peer chain of an
 * established connection |s| with |ssl|'s flags and |peer| (may be NULL
 * without identity flags), as certkit_ssl_verify_peer does. */
CERTKIT_EXPORT CertkitError certkit_boringssl_check_connection(const CertkitSsl* ssl,
                                                               const SSL* s,
                                                               const char* peer);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* CERTKIT_CERTKIT_BORINGSSL_H_ */
