/* The driver's "TLS settings" file: builds a CertkitSsl from PEM files and
 * configures an OpenSSL SSL_CTX from it through certkit_openssl.h. */
#include <stdio.h>

#include "certkit/certkit_openssl.h"
#include "client.h"

SSL_CTX* client_ctx_new(const char* ca, const char* cert, const char* key) {
  CertkitSsl* ssl = certkit_ssl_new();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ssl == NULL || ctx == NULL) goto fail;
  if (certkit_ssl_reload_pem_files(ssl, cert, key, NULL, ca) != CERTKIT_OK) goto fail;
  certkit_ssl_set_verify_flags(ssl, CERTKIT_SSL_VERIFY_PEER_CERT | CERTKIT_SSL_VERIFY_PEER_IDENTITY);
  if (certkit_openssl_configure_ctx(ctx, ssl) != CERTKIT_OK) goto fail;
  certkit_ssl_free(ssl); /* the SSL_CTX holds its own reference */
  return ctx;
fail:
  fprintf(stderr, "client_ctx_new: %s\n", certkit_last_error_message());
  certkit_ssl_free(ssl);
  SSL_CTX_free(ctx);
  return NULL;
}
