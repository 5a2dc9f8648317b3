/* multifile_client CA CERT KEY PORT PEER: one handshake through a
 * certkit-configured OpenSSL context whose setup and use live in different
 * source files. Prints certkit's verdict (e.g. "OK", "IDENTITY_MISMATCH")
 * and the message; exit 0 for OK, 1 otherwise, 2 for a usage error. */
#include <stdio.h>
#include <stdlib.h>

#include "client.h"

int main(int argc, char** argv) {
  SSL_CTX* ctx;
  CertkitError rc;
  if (argc != 6) {
    fprintf(stderr, "usage: %s CA CERT KEY PORT PEER\n", argv[0]);
    return 2;
  }
  ctx = client_ctx_new(argv[1], argv[2], argv[3]);
  if (ctx == NULL) return 1;
  rc = client_connect(ctx, atoi(argv[4]), argv[5]);
  printf("%s %s\n", certkit_error_name(rc), rc == CERTKIT_OK ? "" : certkit_last_error_message());
  SSL_CTX_free(ctx);
  return rc == CERTKIT_OK ? 0 : 1;
}
