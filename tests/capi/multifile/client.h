/* tests/capi/multifile: a C client made of several source files, as every
 * real driver is: the SSL_CTX is configured in tls_context.c, and the
 * connection is made and checked in connection.c. Both include
 * certkit/certkit_openssl.h; they must see the same ex-data slots. */
#ifndef CERTKIT_TESTS_MULTIFILE_CLIENT_H_
#define CERTKIT_TESTS_MULTIFILE_CLIENT_H_

#include <openssl/ssl.h>

#include "certkit/certkit.h"

/* tls_context.c: a client SSL_CTX presenting |cert|/|key| and trusting
 * |ca|, with certkit's IP/DNS identity check; NULL on error (printed). */
SSL_CTX* client_ctx_new(const char* ca, const char* cert, const char* key);

/* connection.c: connects to 127.0.0.1:|port|, expects the server to be
 * |peer|, does the TLS handshake and returns certkit's verdict. */
CertkitError client_connect(SSL_CTX* ctx, int port, const char* peer);

#endif  /* CERTKIT_TESTS_MULTIFILE_CLIENT_H_ */
