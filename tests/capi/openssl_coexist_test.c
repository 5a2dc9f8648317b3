/* tests/capi/openssl_coexist_test.c: libcertkit.so and OpenSSL 3 in one
 * process, as in the DataStax C/C++ driver, libpq or curl.
 *
 * Built twice by ctest, once with -lcertkit before -lssl -lcrypto and once
 * after. It
 *   - calls OpenSSL directly (EC key generation, signing, verifying) and
 *     certkit (key generation and PEM export: the call that crashed when
 *     libcertkit.so bound its BoringSSL references to OpenSSL's symbols);
 *   - makes a CA, node and client certificates, a JKS key store and a JKS
 *     trust store with certkit;
 *   - configures OpenSSL SSL_CTXs from CertkitSsl objects through the
 *     header-only certkit/certkit_openssl.h, and does real mutual-TLS
 *     handshakes on 127.0.0.1 (an OpenSSL server thread against an OpenSSL
 *     client), identity checked by IP;
 *   - checks that a wrong IP, a foreign CA, an expired certificate and a
 *     missing client certificate each fail with certkit's precise code;
 *   - reloads the client's key material while a connection is open: the
 *     next handshake presents the new certificate, the open connection keeps
 *     working, and a reload from invalid files keeps the old material.
 * Exit status 0 means every check passed. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "c_support.h"
#include "certkit/certkit.h"
#include "certkit/certkit_openssl.h"

static int g_failures = 0;

#define CHECK(cond)                                                                       \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      fprintf(stderr, "%s:%d: CHECK failed: %s (certkit: %s)\n", __FILE__, __LINE__, #cond, \
              certkit_last_error_message());                                              \
      g_failures++;                                                                       \
    }                                                                                     \
  } while (0)

#define CHECK_RC(expr, want)                                                           \
  do {                                                                                 \
    CertkitError rc_ = (expr);                                                         \
    if (rc_ != (want)) {                                                               \
      fprintf(stderr, "%s:%d: %s -> %s, want %s: %s\n", __FILE__, __LINE__, #expr,     \
              certkit_error_name(rc_), certkit_error_name(want),                       \
              certkit_last_error_message());                                           \
      g_failures++;                                                                    \
    }                                                                                  \
  } while (0)

/* ---- OpenSSL on its own ------------------------------------------------- */

static void openssl_sign_and_verify(EVP_PKEY* key) {
  static const unsigned char msg[] = "certkit and OpenSSL in one process";
  unsigned char sig[512];
  size_t sig_len = sizeof(sig);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  CHECK(md != NULL);
  CHECK(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1);
  CHECK(EVP_DigestSign(md, sig, &sig_len, msg, sizeof(msg)) == 1);
  EVP_MD_CTX_free(md);
  md = EVP_MD_CTX_new();
  CHECK(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1);
  CHECK(EVP_DigestVerify(md, sig, sig_len, msg, sizeof(msg)) == 1);
  EVP_MD_CTX_free(md);
}

static void test_side_by_side(void) {
  CertkitKey* key = NULL;
  char* pem = NULL;
  size_t pem_len = 0;
  BIO* bio;
  EVP_PKEY* from_certkit;
  /* OpenSSL first: this initialises OpenSSL's own P-256 code. */
  EVP_PKEY* ours = EVP_EC_gen("P-256");
  CHECK(ours != NULL);
  openssl_sign_and_verify(ours);
  EVP_PKEY_free(ours);
  /* Then certkit (this crashed when certkit bound to OpenSSL's BN_*). */
  MUST(certkit_key_generate("ec:p256", &key));
  MUST(certkit_key_to_pem(key, CERTKIT_KEY_FORMAT_PKCS8, &pem, &pem_len));
  CHECK(strstr(pem, "-----BEGIN PRIVATE KEY-----") != NULL);
  /* OpenSSL reads certkit's key and signs with it. */
  bio = BIO_new_mem_buf(pem, (int)pem_len);
  from_certkit = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
  CHECK(from_certkit != NULL);
  if (from_certkit != NULL) openssl_sign_and_verify(from_certkit);
  EVP_PKEY_free(from_certkit);
  BIO_free(bio);
  certkit_buffer_free(pem);
  certkit_key_free(key);
  /* And OpenSSL again, after certkit. */
  ours = EVP_RSA_gen(2048);
  CHECK(ours != NULL);
  openssl_sign_and_verify(ours);
  EVP_PKEY_free(ours);
}

/* ---- certkit-made material ---------------------------------------------- */

typedef struct {
  CertkitCa* ca;
  CertkitCert* cert;
  CertkitKey* key;
} Issued;

/* issue makes a key and a certificate under |ca| (see ck_issue). */
static Issued issue(CertkitCa* ca, const char* profile_name, const char* cn, const char* sans,
                    int64_t not_before, int days) {
  Issued out = {ca, NULL, NULL};
  ck_issue(ca, profile_name, cn, sans, not_before, days, &out.cert, &out.key);
  return out;
}

static void issued_free(Issued* i) {
  certkit_cert_free(i->cert);
  certkit_key_free(i->key);
}

/* keystore_jks returns a JKS key store holding |i| as key entry |alias|,
 * chain leaf + CA. */
static uint8_t* keystore_jks(const Issued* i, const char* alias, size_t* len) {
  CertkitKeystore* store = NULL;
  CertkitCertList* chain = NULL;
  CertkitCert* ca_cert = NULL;
  uint8_t* out = NULL;
  MUST(certkit_keystore_new(&store));
  MUST(certkit_cert_list_new(&chain));
  MUST(certkit_ca_certificate(i->ca, &ca_cert));
  MUST(certkit_cert_list_add(chain, i->cert));
  MUST(certkit_cert_list_add(chain, ca_cert));
  MUST(certkit_keystore_set_key_entry(store, alias, i->key, chain));
  MUST(certkit_keystore_save(store, CERTKIT_STORE_JKS, "changeit", 0, &out, len));
  certkit_cert_free(ca_cert);
  certkit_cert_list_free(chain);
  certkit_keystore_free(store);
  return out;
}

/* truststore_jks returns a JKS trust store with |ca|'s certificate. */
static uint8_t* truststore_jks(CertkitCa* ca, size_t* len) {
  CertkitKeystore* store = NULL;
  CertkitCert* ca_cert = NULL;
  uint8_t* out = NULL;
  MUST(certkit_keystore_new(&store));
  MUST(certkit_ca_certificate(ca, &ca_cert));
  MUST(certkit_keystore_add_trusted_cert(store, "ca", ca_cert));
  MUST(certkit_keystore_save(store, CERTKIT_STORE_JKS, "changeit", 0, &out, len));
  certkit_cert_free(ca_cert);
  certkit_keystore_free(store);
  return out;
}

/* ssl_from_stores configures a CertkitSsl from JKS bytes, as a driver would
 * from cassandra.yaml-style keystore/truststore files. */
static CertkitSsl* ssl_from_stores(const Issued* identity, CertkitCa* trusted, int flags) {
  size_t ks_len = 0, ts_len = 0;
  uint8_t* ks = keystore_jks(identity, "node", &ks_len);
  uint8_t* ts = truststore_jks(trusted, &ts_len);
  CertkitSsl* ssl = certkit_ssl_new();
  MUST(certkit_ssl_set_keystore(ssl, ks, ks_len, "changeit", NULL, NULL));
  MUST(certkit_ssl_add_trusted_keystore(ssl, ts, ts_len, "changeit"));
  certkit_ssl_set_verify_flags(ssl, flags);
  certkit_buffer_free(ks);
  certkit_buffer_free(ts);
  return ssl;
}

/* ---- TLS on loopback ---------------------------------------------------- */

typedef struct {
  SSL_CTX* ctx;
  int listen_fd;
  CertkitError rc;      /* certkit_openssl_result of SSL_accept */
  char peer_cn[128];    /* the client certificate's subject, as OpenSSL sees it */
  int hold;             /* keep the connection for a second exchange */
  pthread_t thread;
} Server;

static int listen_loopback(int* port) {
  struct sockaddr_in addr;
  socklen_t len = sizeof(addr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr*)&addr, sizeof(addr)) != 0 || listen(fd, 8) != 0) exit(2);
  getsockname(fd, (struct sockaddr*)&addr, &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

/* echo_once reads "ping" and answers "pong"; 1 on success. */
static int echo_once(SSL* s) {
  char buf[8];
  int n = SSL_read(s, buf, 4);
  return n == 4 && memcmp(buf, "ping", 4) == 0 && SSL_write(s, "pong", 4) == 4;
}

static void* serve(void* arg) {
  Server* srv = (Server*)arg;
  int fd = accept(srv->listen_fd, NULL, NULL);
  SSL* s = SSL_new(srv->ctx);
  int ret;
  SSL_set_fd(s, fd);
  ret = SSL_accept(s);
  srv->rc = certkit_openssl_result(s, ret);
  if (ret == 1) {
    X509* peer = SSL_get1_peer_certificate(s);
    if (peer != NULL) {
      X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, srv->peer_cn,
                                sizeof(srv->peer_cn));
      X509_free(peer);
    }
    echo_once(s);
    if (srv->hold) echo_once(s);
    SSL_shutdown(s);
  }
  SSL_free(s);
  close(fd);
  return NULL;
}

static void server_start(Server* srv, SSL_CTX* ctx, int listen_fd, int hold) {
  memset(srv, 0, sizeof(*srv));
  srv->ctx = ctx;
  srv->listen_fd = listen_fd;
  srv->hold = hold;
  srv->rc = CERTKIT_ERROR_INTERNAL;
  pthread_create(&srv->thread, NULL, serve, srv);
}

typedef struct {
  SSL* s;
  int fd;
  CertkitError rc;
} Client;

/* client_connect handshakes with the server on |port|; |peer| is what the
 * identity flags check. On success one ping/pong has been exchanged. */
static Client client_connect(SSL_CTX* ctx, int port, const char* peer) {
  Client c = {NULL, -1, CERTKIT_ERROR_INTERNAL};
  struct sockaddr_in addr;
  int ret;
  c.fd = socket(AF_INET, SOCK_STREAM, 0);
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons((uint16_t)port);
  if (connect(c.fd, (struct sockaddr*)&addr, sizeof(addr)) != 0) exit(2);
  c.s = SSL_new(ctx);
  SSL_set_fd(c.s, c.fd);
  if (peer != NULL) CHECK_RC(certkit_openssl_set_peer(c.s, peer), CERTKIT_OK);
  ret = SSL_connect(c.s);
  c.rc = certkit_openssl_result(c.s, ret);
  if (c.rc == CERTKIT_OK) {
    char buf[4];
    /* TLS 1.3: a server that refuses the client certificate says so only
     * after the client's Finished, so the first read is the real test. */
    if (SSL_write(c.s, "ping", 4) != 4 || SSL_read(c.s, buf, 4) != 4 ||
        memcmp(buf, "pong", 4) != 0) {
      c.rc = certkit_openssl_result(c.s, -1);
      if (c.rc == CERTKIT_OK) c.rc = CERTKIT_ERROR_TLS_HANDSHAKE;
    }
  }
  return c;
}

static void client_close(Client* c) {
  if (c->s != NULL) {
    SSL_shutdown(c->s);
    SSL_free(c->s);
  }
  if (c->fd >= 0) close(c->fd);
}

static SSL_CTX* ctx_for(CertkitSsl* ssl, int server) {
  SSL_CTX* ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
  MUST(certkit_openssl_configure_ctx(ctx, ssl));
  return ctx;
}

/* handshake runs one server + one client connection and returns the client
 * code; |*server_rc| gets the server's. */
static CertkitError handshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx, const char* peer,
                              CertkitError* server_rc, char* peer_cn, size_t peer_cn_len) {
  int port;
  int fd = listen_loopback(&port);
  Server srv;
  Client c;
  server_start(&srv, server_ctx, fd, 0);
  c = client_connect(client_ctx, port, peer);
  client_close(&c);
  pthread_join(srv.thread, NULL);
  close(fd);
  if (server_rc != NULL) *server_rc = srv.rc;
  if (peer_cn != NULL) snprintf(peer_cn, peer_cn_len, "%s", srv.peer_cn);
  return c.rc;
}

/* One handshake on |fd|: the server must see the client certificate |cn|. */
static void expect_client_cn(SSL_CTX* server_ctx, SSL_CTX* client_ctx, int fd, int port,
                             const char* cn) {
  Server srv;
  Client c;
  server_start(&srv, server_ctx, fd, 0);
  c = client_connect(client_ctx, port, "127.0.0.1");
  CHECK_RC(c.rc, CERTKIT_OK);
  client_close(&c);
  pthread_join(srv.thread, NULL);
  CHECK_RC(srv.rc, CERTKIT_OK);
  CHECK(strcmp(srv.peer_cn, cn) == 0);
}

static void write_file(const char* path, const char* text) {
  FILE* f = fopen(path, "w");
  if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) exit(2);
}

static void write_pem_pair(const Issued* i, const char* cert_path, const char* key_path) {
  char* pem = NULL;
  size_t len = 0;
  MUST(certkit_cert_to_pem(i->cert, &pem, &len));
  write_file(cert_path, pem);
  certkit_buffer_free(pem);
  MUST(certkit_key_to_pem(i->key, CERTKIT_KEY_FORMAT_PKCS8, &pem, &len));
  write_file(key_path, pem);
  certkit_buffer_free(pem);
}

int main(void) {
  const int identity = CERTKIT_SSL_VERIFY_PEER_CERT | CERTKIT_SSL_VERIFY_PEER_IDENTITY;
  CertkitCa* ca;
  CertkitCa* foreign;
  Issued node, client, expired, stranger, client2;
  CertkitSsl *server_ssl, *client_ssl;
  SSL_CTX *server_ctx, *client_ctx;
  CertkitError server_rc;
  char cn[128];
  char dir[] = "/tmp/certkit-coexist-XXXXXX";
  char cert_a[256], key_a[256], cert_b[256], key_b[256], cert_c[256], key_c[256];

  printf("OpenSSL: %s; certkit: %s\n", OpenSSL_version(OPENSSL_VERSION), certkit_version());
  test_side_by_side();

  ca = ck_make_ca("CN=coexist CA");
  foreign = ck_make_ca("CN=foreign CA");
  node = issue(ca, "node", "CN=node1", "IP:127.0.0.1", 0, 0);
  client = issue(ca, "client", "CN=driver", NULL, 0, 0);
  client2 = issue(ca, "client", "CN=driver-renewed", NULL, 0, 0);
  expired = issue(ca, "node", "CN=expired", "IP:127.0.0.1", (int64_t)time(NULL) - 20 * 86400, 1);
  stranger = issue(foreign, "client", "CN=stranger", NULL, 0, 0);

  server_ssl = ssl_from_stores(&node, ca, CERTKIT_SSL_VERIFY_PEER_CERT);
  client_ssl = ssl_from_stores(&client, ca, identity);
  server_ctx = ctx_for(server_ssl, 1);
  client_ctx = ctx_for(client_ssl, 0);

  /* Mutual TLS, identity by IP. */
  CHECK_RC(handshake(server_ctx, client_ctx, "127.0.0.1", &server_rc, cn, sizeof(cn)),
           CERTKIT_OK);
  CHECK_RC(server_rc, CERTKIT_OK);
  CHECK(strcmp(cn, "driver") == 0);

  /* A wrong IP: certkit's identity check, on the client. */
  CHECK_RC(handshake(server_ctx, client_ctx, "127.0.0.2", NULL, NULL, 0),
           CERTKIT_ERROR_IDENTITY_MISMATCH);
  CHECK(strstr(certkit_last_error_message(), "127.0.0.2") != NULL);

  /* A client that trusts another CA: unknown issuer. */
  {
    CertkitSsl* wrong_trust = ssl_from_stores(&client, foreign, identity);
    SSL_CTX* ctx = ctx_for(wrong_trust, 0);
    CHECK_RC(handshake(server_ctx, ctx, "127.0.0.1", NULL, NULL, 0),
             CERTKIT_ERROR_UNKNOWN_ISSUER);
    SSL_CTX_free(ctx);
    certkit_ssl_free(wrong_trust);
  }

  /* An expired server certificate. */
  {
    CertkitSsl* old = ssl_from_stores(&expired, ca, CERTKIT_SSL_VERIFY_PEER_CERT);
    SSL_CTX* ctx = ctx_for(old, 1);
    CHECK_RC(handshake(ctx, client_ctx, "127.0.0.1", NULL, NULL, 0), CERTKIT_ERROR_CERT_EXPIRED);
    SSL_CTX_free(ctx);
    certkit_ssl_free(old);
  }

  /* A client certificate from a foreign CA: the server refuses it. */
  {
    CertkitSsl* bad = ssl_from_stores(&stranger, ca, identity);
    SSL_CTX* ctx = ctx_for(bad, 0);
    CHECK(handshake(server_ctx, ctx, "127.0.0.1", &server_rc, NULL, 0) != CERTKIT_OK);
    CHECK_RC(server_rc, CERTKIT_ERROR_UNKNOWN_ISSUER);
    SSL_CTX_free(ctx);
    certkit_ssl_free(bad);
  }

  /* No client certificate at all: refused by the server. */
  {
    CertkitSsl* anonymous = certkit_ssl_new();
    size_t ts_len = 0;
    uint8_t* ts = truststore_jks(ca, &ts_len);
    SSL_CTX* ctx;
    MUST(certkit_ssl_add_trusted_keystore(anonymous, ts, ts_len, "changeit"));
    certkit_ssl_set_verify_flags(anonymous, identity);
    ctx = ctx_for(anonymous, 0);
    CHECK(handshake(server_ctx, ctx, "127.0.0.1", &server_rc, NULL, 0) != CERTKIT_OK);
    CHECK(server_rc == CERTKIT_ERROR_TLS_HANDSHAKE || server_rc == CERTKIT_ERROR_UNKNOWN_ISSUER);
    certkit_buffer_free(ts);
    SSL_CTX_free(ctx);
    certkit_ssl_free(anonymous);
  }

  /* A client under an intermediate CA, to a server that trusts the root
   * only: the intermediate must travel in the handshake, from the SSL_CTX's
   * chain and, after a change to a chain through another intermediate, from
   * the connection's own. */
  {
    CertkitCaOptions* options = NULL;
    CertkitName* name = NULL;
    CertkitCa *issuing = NULL, *issuing2 = NULL;
    Issued deep, deep2;
    CertkitSsl* deep_ssl;
    SSL_CTX* ctx;
    uint64_t generation;
    uint8_t* ks;
    size_t ks_len = 0;
    MUST(certkit_ca_options_new(&options));
    MUST(certkit_name_parse("CN=coexist issuing CA", &name));
    MUST(certkit_ca_options_set_subject(options, name));
    MUST(certkit_ca_options_set_key_spec(options, "ec:p256"));
    MUST(certkit_ca_create_intermediate(ca, options, &issuing));
    certkit_name_free(name);
    MUST(certkit_name_parse("CN=coexist issuing CA 2", &name));
    MUST(certkit_ca_options_set_subject(options, name));
    MUST(certkit_ca_create_intermediate(ca, options, &issuing2));
    deep = issue(issuing, "client", "CN=driver-deep", NULL, 0, 0);
    deep2 = issue(issuing2, "client", "CN=driver-deep2", NULL, 0, 0);
    deep_ssl = ssl_from_stores(&deep, ca, identity);
    ctx = ctx_for(deep_ssl, 0);
    CHECK_RC(handshake(server_ctx, ctx, "127.0.0.1", &server_rc, cn, sizeof(cn)), CERTKIT_OK);
    CHECK_RC(server_rc, CERTKIT_OK);
    CHECK(strcmp(cn, "driver-deep") == 0);
    generation = certkit_ssl_generation(deep_ssl);
    ks = keystore_jks(&deep2, "node", &ks_len);
    MUST(certkit_ssl_set_keystore(deep_ssl, ks, ks_len, "changeit", NULL, NULL));
    certkit_buffer_free(ks);
    CHECK(certkit_ssl_generation(deep_ssl) > generation);
    CHECK_RC(handshake(server_ctx, ctx, "127.0.0.1", &server_rc, cn, sizeof(cn)), CERTKIT_OK);
    CHECK_RC(server_rc, CERTKIT_OK);
    CHECK(strcmp(cn, "driver-deep2") == 0);
    SSL_CTX_free(ctx);
    certkit_ssl_free(deep_ssl);
    issued_free(&deep);
    issued_free(&deep2);
    certkit_ca_free(issuing);
    certkit_ca_free(issuing2);
    certkit_name_free(name);
    certkit_ca_options_free(options);
  }

  /* Live reload while a connection is open. */
  if (mkdtemp(dir) == NULL) return 2;
  snprintf(cert_a, sizeof(cert_a), "%s/a.crt", dir);
  snprintf(key_a, sizeof(key_a), "%s/a.key", dir);
  snprintf(cert_b, sizeof(cert_b), "%s/b.crt", dir);
  snprintf(key_b, sizeof(key_b), "%s/b.key", dir);
  snprintf(cert_c, sizeof(cert_c), "%s/c.crt", dir);
  snprintf(key_c, sizeof(key_c), "%s/c.key", dir);
  write_pem_pair(&client, cert_a, key_a);
  write_pem_pair(&client2, cert_b, key_b);
  {
    int port;
    int fd = listen_loopback(&port);
    Server held;
    Client open_conn;
    uint64_t generation;
    char buf[4];
    server_start(&held, server_ctx, fd, 1);
    open_conn = client_connect(client_ctx, port, "127.0.0.1");
    CHECK_RC(open_conn.rc, CERTKIT_OK);
    /* Swap in the renewed client certificate. */
    generation = certkit_ssl_generation(client_ssl);
    CHECK_RC(certkit_ssl_reload_pem_files(client_ssl, cert_b, key_b, NULL, NULL), CERTKIT_OK);
    CHECK(certkit_ssl_generation(client_ssl) > generation);
    /* A reload from files that do not match keeps the material. */
    generation = certkit_ssl_generation(client_ssl);
    CHECK_RC(certkit_ssl_reload_pem_files(client_ssl, cert_a, key_b, NULL, NULL),
             CERTKIT_ERROR_KEY_MISMATCH);
    CHECK_RC(certkit_ssl_reload_pem_files(client_ssl, cert_a, "/nonexistent/key.pem", NULL, NULL),
             CERTKIT_ERROR_NOT_FOUND);
    /* Nor does an expired certificate, or one from a CA the context does
     * not trust while the current one verifies (issue 21, item 7): peers
     * would refuse every handshake. The message says what stays. */
    write_pem_pair(&expired, cert_c, key_c);
    CHECK_RC(certkit_ssl_reload_pem_files(client_ssl, cert_c, key_c, NULL, NULL),
             CERTKIT_ERROR_CERT_EXPIRED);
    CHECK(strstr(certkit_last_error_message(), "CN=expired' expired at") != NULL);
    CHECK(strstr(certkit_last_error_message(), "the current material stays in use") != NULL);
    write_pem_pair(&stranger, cert_c, key_c);
    CHECK_RC(certkit_ssl_reload_pem_files(client_ssl, cert_c, key_c, NULL, NULL),
             CERTKIT_ERROR_UNKNOWN_ISSUER);
    CHECK(certkit_ssl_generation(client_ssl) == generation);
    /* New handshakes present the new certificate (the second one reuses
     * what the first parsed)... */
    expect_client_cn(server_ctx, client_ctx, fd, port, "driver-renewed");
    expect_client_cn(server_ctx, client_ctx, fd, port, "driver-renewed");
    /* ...and the connection opened before the swap still works. */
    CHECK(SSL_write(open_conn.s, "ping", 4) == 4);
    CHECK(SSL_read(open_conn.s, buf, 4) == 4 && memcmp(buf, "pong", 4) == 0);
    client_close(&open_conn);
    pthread_join(held.thread, NULL);
    CHECK(strcmp(held.peer_cn, "driver") == 0);
    /* Back to the first certificate, then to the renewed one again: each
     * new handshake presents the current material. */
    CHECK_RC(certkit_ssl_reload_pem_files(client_ssl, cert_a, key_a, NULL, NULL), CERTKIT_OK);
    expect_client_cn(server_ctx, client_ctx, fd, port, "driver");
    CHECK_RC(certkit_ssl_reload_pem_files(client_ssl, cert_b, key_b, NULL, NULL), CERTKIT_OK);
    expect_client_cn(server_ctx, client_ctx, fd, port, "driver-renewed");
    expect_client_cn(server_ctx, client_ctx, fd, port, "driver-renewed");
    close(fd);
  }
  unlink(cert_a);
  unlink(key_a);
  unlink(cert_b);
  unlink(key_b);
  unlink(cert_c);
  unlink(key_c);
  rmdir(dir);

  SSL_CTX_free(server_ctx);
  SSL_CTX_free(client_ctx);
  certkit_ssl_free(server_ssl);
  certkit_ssl_free(client_ssl);
  issued_free(&node);
  issued_free(&client);
  issued_free(&client2);
  issued_free(&expired);
  issued_free(&stranger);
  certkit_ca_free(ca);
  certkit_ca_free(foreign);
  if (g_failures != 0) {
    fprintf(stderr, "%d check(s) failed\n", g_failures);
    return 1;
  }
  printf("ok: OpenSSL and certkit side by side, mutual TLS, precise errors, live reload\n");
  return 0;
}
