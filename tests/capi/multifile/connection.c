/* The driver's "connection" file: socket, SSL object, peer identity and
 * handshake, in another translation unit than the SSL_CTX's setup. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "certkit/certkit_openssl.h"
#include "client.h"

CertkitError client_connect(SSL_CTX* ctx, int port, const char* peer) {
  struct sockaddr_in addr;
  CertkitError rc = CERTKIT_ERROR_TLS_HANDSHAKE;
  SSL* s = NULL;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return CERTKIT_ERROR_IO;
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr*)&addr, sizeof(addr)) != 0) {
    close(fd);
    return CERTKIT_ERROR_IO;
  }
  s = SSL_new(ctx);
  if (s == NULL) goto done;
  rc = certkit_openssl_set_peer(s, peer);
  if (rc != CERTKIT_OK) goto done;
  SSL_set_fd(s, fd);
  rc = certkit_openssl_result(s, SSL_connect(s));
done:
  if (s != NULL) {
    SSL_shutdown(s);
    SSL_free(s);
  }
  close(fd);
  return rc;
}
