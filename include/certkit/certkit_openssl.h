/* certkit/certkit_openssl.h: configure a driver's own OpenSSL SSL_CTX from a
 * CertkitSsl. Header-only.
 *
 * libcertkit.so carries its own, sealed copy of BoringSSL and exports nothing
 * of it, so an SSL_CTX can never cross the certkit ABI. This header is
 * therefore compiled in the driver's own translation unit, against the
 * driver's own TLS library: OpenSSL 1.1.1 or 3.x (and BoringSSL or AWS-LC,
 * whose API agrees for everything used here). It talks to certkit only
 * through the C ABI (certkit.h):
 *
 *   - the certificate chain and private key come from certkit_ssl_export() as
 *     DER and PKCS#8 DER; the key buffer is wiped by certkit when freed;
 *   - the peer is verified by certkit's own verifier (certkit_ssl_verify_peer_ex),
 *     installed with SSL_CTX_set_cert_verify_callback, so chain building,
 *     RFC 5280 rules and the identity flags are certkit's, not OpenSSL's;
 *   - key material that changes later on the CertkitSsl (certkit_ssl_set_*,
 *     certkit_ssl_replace, certkit_ssl_reload_*) is picked up by the next
 *     handshake: a certificate callback compares certkit_ssl_generation()
 *     with what the connection inherited from the SSL_CTX and, only after a
 *     change, installs the new material on the connection (exported and
 *     parsed once per change, then shared by later connections);
 *     connections already open are untouched.
 *
 * Typical client:
 *
 *   #include <openssl/ssl.h>
 *   #include <certkit/certkit_openssl.h>
 *
 *   SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
 *   if (certkit_openssl_configure_ctx(ctx, ssl_config) != CERTKIT_OK) {
 *     fprintf(stderr, "%s\n", certkit_last_error_message());
 *   }
 *   SSL* s = SSL_new(ctx);
 *   certkit_openssl_set_peer(s, "10.0.0.7");   // IP address or host name
 *   SSL_set_fd(s, fd);
 *   int ret = SSL_connect(s);
 *   CertkitError rc = certkit_openssl_result(s, ret);  // certkit's precise code
 *
 * The functions keep their state in two OpenSSL ex-data slots that belong
 * to the process, not to the translation unit: libcertkit hands the same
 * pair to every file that includes this header (certkit_openssl_ex_slots),
 * so an SSL_CTX configured in one source file of a driver and its
 * connections made and checked in others work together.
 *
 * Link: -lcertkit plus the driver's own -lssl -lcrypto. Needs POSIX threads
 * (pthread_once). */
#ifndef CERTKIT_CERTKIT_OPENSSL_H_
#define CERTKIT_CERTKIT_OPENSSL_H_

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "certkit/certkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Internal state (not part of the API)                                     */
/* ------------------------------------------------------------------------ */

/* Per-connection state, kept in the SSL's ex data. */
typedef struct certkit_openssl_conn_ {
  char* peer;              /* address or host name for the identity flags */
  uint64_t installed;      /* generation of the key material installed */
  int verified;            /* certkit's verifier ran */
  CertkitError verify_rc;  /* its outcome */
} certkit_openssl_conn_;

/* Per-SSL_CTX state, kept in the SSL_CTX's ex data (and passed to the
 * callbacks). The SSL_CTX itself holds the material of |ctx_generation|,
 * which every SSL_new copies; material of a later generation is parsed once
 * into |leaf|, |extra| and |key| and installed per connection. */
typedef struct certkit_openssl_ctx_ {
  CertkitSsl* config;       /* one reference */
  uint64_t ctx_generation;  /* generation installed on the SSL_CTX */
  pthread_mutex_t lock;     /* guards the four fields below */
  uint64_t cached_generation;
  X509* leaf;
  STACK_OF(X509) * extra;
  EVP_PKEY* key;
} certkit_openssl_ctx_;

/* The layout of the state below, as kept in the ex-data slots: bumped
 * whenever certkit_openssl_ctx_ or certkit_openssl_conn_ change, so that two
 * copies of this header that disagree cannot share the slots. */
#define CERTKIT_OPENSSL_LAYOUT 1u

static int certkit_openssl_ctx_index_ = -1;
static int certkit_openssl_ssl_index_ = -1;
static pthread_once_t certkit_openssl_once_ = PTHREAD_ONCE_INIT;

static void certkit_openssl_ctx_state_free_(certkit_openssl_ctx_* state) {
  if (state == NULL) return;
  certkit_ssl_free(state->config);
  X509_free(state->leaf);
  sk_X509_pop_free(state->extra, X509_free);
  EVP_PKEY_free(state->key);
  pthread_mutex_destroy(&state->lock);
  free(state);
}

static void certkit_openssl_free_ctx_data_(void* parent, void* ptr, CRYPTO_EX_DATA* ad,
                                           int index, long argl, void* argp) {
  (void)parent, (void)ad, (void)index, (void)argl, (void)argp;
  certkit_openssl_ctx_state_free_((certkit_openssl_ctx_*)ptr);
}

static void certkit_openssl_free_conn_(void* parent, void* ptr, CRYPTO_EX_DATA* ad, int index,
                                       long argl, void* argp) {
  certkit_openssl_conn_* conn = (certkit_openssl_conn_*)ptr;
  (void)parent, (void)ad, (void)index, (void)argl, (void)argp;
  if (conn == NULL) return;
  free(conn->peer);
  free(conn);
}

/* Runs once per process, under libcertkit's lock (certkit_openssl_ex_slots):
 * the slots' free callbacks are this translation unit's copies, which every
 * copy of this header (same CERTKIT_OPENSSL_LAYOUT) agrees with. */
static int certkit_openssl_allocate_slots_(int* ctx_index, int* ssl_index) {
  *ctx_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, certkit_openssl_free_ctx_data_);
  *ssl_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, certkit_openssl_free_conn_);
  return *ctx_index >= 0 && *ssl_index >= 0;
}

/* Each translation unit asks libcertkit once for the process's slots. */
static void certkit_openssl_init_indexes_(void) {
  int ctx_index = -1, ssl_index = -1;
  if (certkit_openssl_ex_slots(CERTKIT_OPENSSL_LAYOUT, certkit_openssl_allocate_slots_,
                               &ctx_index, &ssl_index) == CERTKIT_OK) {
    certkit_openssl_ctx_index_ = ctx_index;
    certkit_openssl_ssl_index_ = ssl_index;
  }
}

static int certkit_openssl_indexes_(void) {
  pthread_once(&certkit_openssl_once_, certkit_openssl_init_indexes_);
  return certkit_openssl_ctx_index_ >= 0 && certkit_openssl_ssl_index_ >= 0;
}

static certkit_openssl_conn_* certkit_openssl_conn_get_(const SSL* s, int create) {
  certkit_openssl_conn_* conn;
  if (!certkit_openssl_indexes_()) return NULL;
  conn = (certkit_openssl_conn_*)SSL_get_ex_data(s, certkit_openssl_ssl_index_);
  if (conn != NULL || !create) return conn;
  conn = (certkit_openssl_conn_*)calloc(1, sizeof(*conn));
  if (conn == NULL) return NULL;
  if (!SSL_set_ex_data((SSL*)s, certkit_openssl_ssl_index_, conn)) {
    free(conn);
    return NULL;
  }
  return conn;
}

static certkit_openssl_ctx_* certkit_openssl_ctx_state_(const SSL_CTX* ctx) {
  if (!certkit_openssl_indexes_()) return NULL;
  return (certkit_openssl_ctx_*)SSL_CTX_get_ex_data(ctx, certkit_openssl_ctx_index_);
}

/* Parses the exported chain and key: fills |*leaf|, |*extra| (the rest of the
 * chain) and |*key|. Returns 1 on success; on failure everything is freed. */
static int certkit_openssl_parse_material_(const CertkitSslMaterial* m, X509** leaf,
                                           STACK_OF(X509) * *extra, EVP_PKEY** key) {
  size_t i, len = 0, count = certkit_ssl_material_chain_count(m);
  const unsigned char* p;
  *leaf = NULL;
  *extra = NULL;
  *key = NULL;
  if (count == 0) return 1; /* no own certificate: nothing to install */
  p = certkit_ssl_material_chain_der(m, 0, &len);
  *leaf = d2i_X509(NULL, &p, (long)len);
  *extra = sk_X509_new_null();
  if (*leaf == NULL || *extra == NULL) goto fail;
  for (i = 1; i < count; i++) {
    X509* c;
    p = certkit_ssl_material_chain_der(m, i, &len);
    c = d2i_X509(NULL, &p, (long)len);
    if (c == NULL || !sk_X509_push(*extra, c)) {
      X509_free(c);
      goto fail;
    }
  }
  p = certkit_ssl_material_key_pkcs8(m, &len);
  if (p == NULL) goto fail;
  *key = d2i_AutoPrivateKey(NULL, &p, (long)len);
  if (*key == NULL) goto fail;
  return 1;
fail:
  X509_free(*leaf);
  sk_X509_pop_free(*extra, X509_free);
  EVP_PKEY_free(*key);
  *leaf = NULL;
  *extra = NULL;
  *key = NULL;
  return 0;
}

/* Takes references to the material of |generation| that |state| keeps, if
 * it keeps that generation: returns 1 and fills |*leaf|, |*extra| and |*key|
 * (all NULL when no own identity is configured), else returns 0. */
static int certkit_openssl_kept_(certkit_openssl_ctx_* state, uint64_t generation, X509** leaf,
                                 STACK_OF(X509) * *extra, EVP_PKEY** key) {
  int found = 0;
  pthread_mutex_lock(&state->lock);
  if (state->cached_generation == generation) {
    *extra = state->leaf != NULL ? X509_chain_up_ref(state->extra) : NULL;
    found = state->leaf == NULL || *extra != NULL;
    if (found && state->leaf != NULL) {
      X509_up_ref(*leaf = state->leaf);
      EVP_PKEY_up_ref(*key = state->key);
    }
  }
  pthread_mutex_unlock(&state->lock);
  return found;
}

/* Makes |state| keep references to |leaf|, |extra| and |key| of
 * |generation| when that is newer than what it keeps. */
static void certkit_openssl_keep_(certkit_openssl_ctx_* state, uint64_t generation, X509* leaf,
                                  STACK_OF(X509) * extra, EVP_PKEY* key) {
  STACK_OF(X509)* extra_ref = leaf != NULL ? X509_chain_up_ref(extra) : NULL;
  pthread_mutex_lock(&state->lock);
  if (generation > state->cached_generation && (leaf == NULL || extra_ref != NULL)) {
    X509_free(state->leaf);
    sk_X509_pop_free(state->extra, X509_free);
    EVP_PKEY_free(state->key);
    if (leaf != NULL) {
      X509_up_ref(leaf);
      EVP_PKEY_up_ref(key);
    }
    state->leaf = leaf;
    state->extra = extra_ref;
    state->key = key;
    state->cached_generation = generation;
    extra_ref = NULL;
  }
  pthread_mutex_unlock(&state->lock);
  sk_X509_pop_free(extra_ref, X509_free);
}

/* Certificate callback: before each handshake, makes sure the connection
 * presents the CertkitSsl's current chain and key. While the generation is
 * the one installed on the SSL_CTX (which SSL_new copied), there is nothing
 * to do. After a change, the new material is exported and parsed once, kept
 * in the SSL_CTX's state, and installed on each new connection (not on the
 * SSL_CTX, which other threads are reading), so a reload reaches new
 * connections and never disturbs open ones. */
static int certkit_openssl_cert_cb_(SSL* s, void* arg) {
  certkit_openssl_ctx_* state = (certkit_openssl_ctx_*)arg;
  CertkitSslMaterial* m = NULL;
  certkit_openssl_conn_* conn = certkit_openssl_conn_get_(s, 1);
  X509* leaf = NULL;
  STACK_OF(X509)* extra = NULL;
  EVP_PKEY* key = NULL;
  uint64_t generation;
  int ok;
  if (conn == NULL || state == NULL) return 0;
  generation = certkit_ssl_generation(state->config);
  if (generation != 0 && conn->installed == generation) return 1; /* e.g. after a HelloRetry */
  if (generation == state->ctx_generation) {
    conn->installed = generation;
    return 1;
  }
  if (!certkit_openssl_kept_(state, generation, &leaf, &extra, &key)) {
    if (certkit_ssl_export(state->config, &m) != CERTKIT_OK) return 0;
    generation = certkit_ssl_material_generation(m);
    ok = certkit_openssl_parse_material_(m, &leaf, &extra, &key);
    certkit_ssl_material_free(m);
    if (!ok) return 0;
    certkit_openssl_keep_(state, generation, leaf, extra, key);
  }
  if (leaf == NULL) {
    ok = 1; /* no own identity configured */
  } else {
    ok = SSL_use_certificate(s, leaf) == 1 && SSL_use_PrivateKey(s, key) == 1 &&
         SSL_set1_chain(s, extra) == 1 && SSL_check_private_key(s) == 1;
  }
  X509_free(leaf);
  sk_X509_pop_free(extra, X509_free);
  EVP_PKEY_free(key);
  if (ok) conn->installed = generation;
  return ok;
}

/* Verification callback: replaces OpenSSL's chain verification by certkit's.
 * The peer's chain (leaf first, as sent) goes to certkit_ssl_verify_peer_ex. */
static int certkit_openssl_verify_cb_(X509_STORE_CTX* store_ctx, void* arg) {
  CertkitSsl* config = ((certkit_openssl_ctx_*)arg)->config;
  SSL* s = (SSL*)X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx());
  X509* leaf = X509_STORE_CTX_get0_cert(store_ctx);
  STACK_OF(X509)* untrusted = X509_STORE_CTX_get0_untrusted(store_ctx);
  certkit_openssl_conn_* conn;
  size_t count = 0, n = 0, i;
  unsigned char** ders = NULL;
  size_t* lens = NULL;
  const char* peer = NULL;
  CertkitError rc = CERTKIT_ERROR_OUT_OF_MEMORY;
  if (s == NULL || leaf == NULL) return 0;
  conn = certkit_openssl_conn_get_(s, 1);
  if (conn == NULL) return 0;
  count = 1 + (untrusted != NULL ? (size_t)sk_X509_num(untrusted) : 0);
  ders = (unsigned char**)calloc(count, sizeof(*ders));
  lens = (size_t*)calloc(count, sizeof(*lens));
  if (ders == NULL || lens == NULL) goto done;
  for (i = 0; i < count; i++) {
    X509* c = i == 0 ? leaf : sk_X509_value(untrusted, (int)(i - 1));
    int len;
    if (i > 0 && X509_cmp(c, leaf) == 0) continue; /* the leaf is often listed too */
    ders[n] = NULL;
    len = i2d_X509(c, &ders[n]);
    if (len <= 0) goto done;
    lens[n++] = (size_t)len;
  }
  if (SSL_is_server(s)) {
    rc = certkit_ssl_verify_peer_ex(config, (const uint8_t* const*)ders, lens, n, NULL, 0,
                                    CERTKIT_PURPOSE_CLIENT_AUTH);
  } else {
    peer = conn->peer;
    if (peer == NULL) peer = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
    rc = certkit_ssl_verify_peer_ex(config, (const uint8_t* const*)ders, lens, n, peer,
                                    peer != NULL ? strlen(peer) : 0,
                                    CERTKIT_PURPOSE_SERVER_AUTH);
  }
done:
  for (i = 0; ders != NULL && i < count; i++) OPENSSL_free(ders[i]);
  free(ders);
  free(lens);
  conn->verified = 1;
  conn->verify_rc = rc;
  if (rc == CERTKIT_OK) {
    X509_STORE_CTX_set_error(store_ctx, X509_V_OK);
    return 1;
  }
  switch (rc) {
    case CERTKIT_ERROR_CERT_EXPIRED:
      X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_CERT_HAS_EXPIRED);
      break;
    case CERTKIT_ERROR_CERT_NOT_YET_VALID:
      X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_CERT_NOT_YET_VALID);
      break;
    case CERTKIT_ERROR_UNKNOWN_ISSUER:
      X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
      break;
    case CERTKIT_ERROR_CERT_REVOKED:
      X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_CERT_REVOKED);
      break;
    default:
      X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_APPLICATION_VERIFICATION);
      break;
  }
  return 0;
}

/* ------------------------------------------------------------------------ */
/* API                                                                      */
/* ------------------------------------------------------------------------ */

/* certkit_openssl_configure_ctx applies |ssl| to |ctx|: the protocol version
 * range (at least TLS 1.2), the own certificate chain and private key (on
 * |ctx|; a later change on |ssl| is installed on each new connection, so
 * reloads take effect for new connections), the trusted certificates (also added to the X509_STORE, so
 * that a server names acceptable client CAs), and certkit's verifier for the
 * peer: with CERTKIT_SSL_VERIFY_NONE none; otherwise the peer must present a
 * certificate that certkit accepts (a server then requires client
 * certificates). |ctx| takes a reference to |ssl|; the caller may free its
 * own at once. Returns CERTKIT_OK, or an error with
 * certkit_last_error_message() set when |ctx| or |ssl| is NULL, when |ssl|
 * has a certificate without a key (or the reverse), or when OpenSSL refuses
 * the material. */
static inline CertkitError certkit_openssl_configure_ctx(SSL_CTX* ctx, CertkitSsl* ssl) {
  CertkitSslMaterial* m = NULL;
  CertkitError rc;
  certkit_openssl_ctx_* state;
  certkit_openssl_ctx_* previous;
  uint64_t generation;
  size_t i;
  X509* leaf;
  STACK_OF(X509) * extra;
  EVP_PKEY* key;
  int min_version, max_version;
  if (ctx == NULL || ssl == NULL) {
    return certkit_set_last_error(CERTKIT_ERROR_NULL_ARGUMENT,
                                  ctx == NULL ? "ctx is NULL" : "ssl is NULL");
  }
  if (!certkit_openssl_indexes_()) {
    return certkit_set_last_error(CERTKIT_ERROR_OUT_OF_MEMORY, "no OpenSSL ex-data slot");
  }
  rc = certkit_ssl_export(ssl, &m);
  if (rc != CERTKIT_OK) return rc;
  /* Refuse an incomplete identity now rather than at the first handshake. */
  if ((certkit_ssl_material_chain_count(m) == 0) !=
      (certkit_ssl_material_key_pkcs8(m, NULL) == NULL)) {
    int no_key = certkit_ssl_material_chain_count(m) != 0;
    certkit_ssl_material_free(m);
    return certkit_set_last_error(
        CERTKIT_ERROR_INVALID_ARGUMENT,
        no_key ? "a certificate is set but no private key (certkit_ssl_set_private_key)"
               : "a private key is set but no certificate (certkit_ssl_set_cert)");
  }
  if (!certkit_openssl_parse_material_(m, &leaf, &extra, &key)) {
    certkit_ssl_material_free(m);
    return certkit_set_last_error(CERTKIT_ERROR_UNSUPPORTED,
                                  "OpenSSL cannot read the certificate chain or private key");
  }
  if (leaf != NULL) {
    /* On the SSL_CTX: every connection copies it, and the certificate
     * callback only replaces it after a change. */
    int ok = SSL_CTX_use_certificate(ctx, leaf) == 1 && SSL_CTX_use_PrivateKey(ctx, key) == 1 &&
             SSL_CTX_set1_chain(ctx, extra) == 1 && SSL_CTX_check_private_key(ctx) == 1;
    X509_free(leaf);
    sk_X509_pop_free(extra, X509_free);
    EVP_PKEY_free(key);
    if (!ok) {
      ERR_clear_error();
      certkit_ssl_material_free(m);
      return certkit_set_last_error(CERTKIT_ERROR_UNSUPPORTED,
                                    "OpenSSL refused the certificate or private key");
    }
  }
  for (i = 0; i < certkit_ssl_material_trusted_count(m); i++) {
    size_t len = 0;
    const unsigned char* p = certkit_ssl_material_trusted_der(m, i, &len);
    X509* c = d2i_X509(NULL, &p, (long)len);
    if (c != NULL) {
      X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), c); /* fails on duplicates: fine */
      X509_free(c);
    }
  }
  ERR_clear_error();
  min_version = certkit_ssl_material_min_version(m);
  max_version = certkit_ssl_material_max_version(m);
  if (SSL_CTX_set_min_proto_version(ctx, min_version) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, max_version) != 1) {
    ERR_clear_error();
    certkit_ssl_material_free(m);
    return certkit_set_last_error(CERTKIT_ERROR_UNSUPPORTED,
                                  "OpenSSL refused the TLS protocol version range");
  }
  if (certkit_ssl_material_verify_flags(m) == CERTKIT_SSL_VERIFY_NONE) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
  }
  generation = certkit_ssl_material_generation(m);
  certkit_ssl_material_free(m);
  state = (certkit_openssl_ctx_*)calloc(1, sizeof(*state));
  if (state == NULL || pthread_mutex_init(&state->lock, NULL) != 0) {
    free(state);
    return certkit_set_last_error(CERTKIT_ERROR_OUT_OF_MEMORY, "out of memory");
  }
  state->config = certkit_ssl_ref(ssl);
  state->ctx_generation = generation;
  state->cached_generation = generation;
  previous = certkit_openssl_ctx_state_(ctx);
  if (!SSL_CTX_set_ex_data(ctx, certkit_openssl_ctx_index_, state)) {
    certkit_openssl_ctx_state_free_(state);
    return certkit_set_last_error(CERTKIT_ERROR_OUT_OF_MEMORY, "out of memory");
  }
  SSL_CTX_set_cert_verify_callback(ctx, certkit_openssl_verify_cb_, state);
  SSL_CTX_set_cert_cb(ctx, certkit_openssl_cert_cb_, state);
  /* A second configuration of |ctx|: its connections must be gone. */
  certkit_openssl_ctx_state_free_(previous);
  return certkit_set_last_error(CERTKIT_OK, NULL);
}

/* certkit_openssl_set_peer records the IP address or host name |peer| that
 * the identity flags check for connection |s| (client side). A host name is
 * also sent as SNI. Without it, the SNI name set on |s| is used, if any.
 * Returns CERTKIT_ERROR_NULL_ARGUMENT for NULL |s| or |peer|,
 * CERTKIT_ERROR_INVALID_ARGUMENT for an empty name. */
static inline CertkitError certkit_openssl_set_peer(SSL* s, const char* peer) {
  certkit_openssl_conn_* conn;
  char* copy;
  size_t len;
  if (s == NULL || peer == NULL) {
    return certkit_set_last_error(CERTKIT_ERROR_NULL_ARGUMENT,
                                  s == NULL ? "s is NULL" : "peer is NULL");
  }
  len = strlen(peer);
  if (len == 0) return certkit_set_last_error(CERTKIT_ERROR_INVALID_ARGUMENT, "peer is empty");
  conn = certkit_openssl_conn_get_(s, 1);
  copy = (char*)malloc(len + 1);
  if (conn == NULL || copy == NULL) {
    free(copy);
    return certkit_set_last_error(CERTKIT_ERROR_OUT_OF_MEMORY, "out of memory");
  }
  memcpy(copy, peer, len + 1);
  free(conn->peer);
  conn->peer = copy;
  /* SNI for host names; IP addresses are not sent as SNI (RFC 6066 3). */
  if (!SSL_is_server(s) && strspn(peer, "0123456789.") != len && strchr(peer, ':') == NULL) {
    if (SSL_set_tlsext_host_name(s, copy) != 1) ERR_clear_error();
  }
  return certkit_set_last_error(CERTKIT_OK, NULL);
}

/* certkit_openssl_result turns the return value |ret| of SSL_connect,
 * SSL_accept or SSL_do_handshake on |s| into a CertkitError: CERTKIT_OK when
 * |ret| > 0 and certkit's verifier (if it ran) accepted the peer; the
 * verifier's own code (CERTKIT_ERROR_CERT_EXPIRED, _UNKNOWN_ISSUER,
 * _IDENTITY_MISMATCH, _CERT_REVOKED, ...) when it rejected the peer; else
 * CERTKIT_ERROR_TLS_HANDSHAKE, with OpenSSL's reason (e.g. the peer's alert)
 * in certkit_last_error_message(). Call it on the thread that made the call:
 * it reads that thread's OpenSSL error queue and certkit's last error. */
static inline CertkitError certkit_openssl_result(SSL* s, int ret) {
  const certkit_openssl_conn_* conn;
  unsigned long packed;
  char reason[256];
  if (s == NULL) return certkit_set_last_error(CERTKIT_ERROR_NULL_ARGUMENT, "s is NULL");
  conn = certkit_openssl_conn_get_(s, 0);
  if (conn != NULL && conn->verified && conn->verify_rc != CERTKIT_OK) {
    ERR_clear_error();
    /* certkit_last_error_message() still holds the verifier's reason, set on
     * this thread during the handshake. */
    return conn->verify_rc;
  }
  if (ret > 0) return certkit_set_last_error(CERTKIT_OK, NULL);
  packed = ERR_get_error();
  ERR_clear_error();
  if (packed == 0) {
    return certkit_set_last_error(CERTKIT_ERROR_TLS_HANDSHAKE,
                                  SSL_get_error(s, ret) == SSL_ERROR_ZERO_RETURN
                                      ? "the peer closed the TLS connection"
                                      : "the TLS handshake failed (connection closed or reset)");
  }
  ERR_error_string_n(packed, reason, sizeof(reason));
  return certkit_set_last_error(CERTKIT_ERROR_TLS_HANDSHAKE, reason);
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CERTKIT_CERTKIT_OPENSSL_H_ */
