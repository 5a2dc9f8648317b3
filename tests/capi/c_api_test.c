/* tests/capi/c_api_test.c: exercises the whole C ABI from C (compiled as C99,
 * linked only against libcertkit.so): keys, names, CSRs, CAs, certificates,
 * verification, key stores (with keytool as the peer for a JKS with a
 * separate key password), the SSL shim, NULL inputs and every error code
 * that the C API can produce. Exit status 0 means every check passed. Run
 * under valgrind by the capi_c_api_valgrind ctest test. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "certkit/certkit.h"

static int g_failures = 0;
static int g_checks = 0;
/* Error codes seen by CHECK_ERR, to prove every code is reachable. */
static int g_seen[128];

#define CHECK(cond)                                                                   \
  do {                                                                                \
    g_checks++;                                                                       \
    if (!(cond)) {                                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__, __LINE__, \
              #cond, certkit_last_error_message());                                   \
      g_failures++;                                                                   \
    }                                                                                 \
  } while (0)

#define CHECK_OK(expr)                                                                \
  do {                                                                                \
    CertkitError rc_ = (expr);                                                        \
    g_checks++;                                                                       \
    if (rc_ != CERTKIT_OK) {                                                          \
      fprintf(stderr, "%s:%d: %s -> %s: %s\n", __FILE__, __LINE__, #expr,             \
              certkit_error_name(rc_), certkit_last_error_message());                 \
      g_failures++;                                                                   \
    } else if (certkit_last_error_message()[0] != '\0') {                             \
      fprintf(stderr, "%s:%d: success left a message: %s\n", __FILE__, __LINE__,     \
              certkit_last_error_message());                                          \
      g_failures++;                                                                   \
    }                                                                                 \
  } while (0)

#define CHECK_ERR(expr, code)                                                         \
  do {                                                                                \
    CertkitError rc_ = (expr);                                                        \
    g_checks++;                                                                       \
    if (rc_ != (code)) {                                                              \
      fprintf(stderr, "%s:%d: %s -> %s (%d), want %s: %s\n", __FILE__, __LINE__,      \
              #expr, certkit_error_name(rc_), (int)rc_, certkit_error_name(code),     \
              certkit_last_error_message());                                          \
      g_failures++;                                                                   \
    } else {                                                                          \
      if ((int)(code) >= 0 && (int)(code) < 128) g_seen[(int)(code)] = 1;             \
      if (certkit_last_error_message()[0] == '\0') {                                  \
        fprintf(stderr, "%s:%d: %s failed without a message\n", __FILE__, __LINE__,   \
                #expr);                                                               \
        g_failures++;                                                                 \
      }                                                                               \
    }                                                                                 \
  } while (0)

/* The last error message must not reveal |secret|. */
#define CHECK_NO_SECRET(secret) CHECK(strstr(certkit_last_error_message(), (secret)) == NULL)

static char g_dir[256];

static void path_in_dir(char* out, size_t size, const char* name) {
  snprintf(out, size, "%s/%s", g_dir, name);
}

static int read_file(const char* path, uint8_t** data, size_t* length) {
  FILE* f = fopen(path, "rb");
  long size;
  if (f == NULL) return 0;
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fseek(f, 0, SEEK_SET);
  *data = (uint8_t*)malloc(size > 0 ? (size_t)size : 1);
  *length = fread(*data, 1, (size_t)size, f);
  fclose(f);
  return 1;
}

/* ------------------------------------------------------------------------ */

static void test_version_and_errors(void) {
  int code;
  CHECK(strcmp(certkit_version(), CERTKIT_VERSION_STRING) == 0);
  CHECK(certkit_version_number() == CERTKIT_VERSION_NUMBER);
  CHECK(CERTKIT_VERSION_NUMBER == ((CERTKIT_VERSION_MAJOR << 16) | (CERTKIT_VERSION_MINOR << 8) |
                                   CERTKIT_VERSION_PATCH));
  /* Stable numbering (never renumber). */
  CHECK(CERTKIT_OK == 0);
  CHECK(CERTKIT_ERROR_INVALID_ARGUMENT == 1);
  CHECK(CERTKIT_ERROR_BAD_PASSWORD == 3);
  CHECK(CERTKIT_ERROR_LIMIT_EXCEEDED == 12);
  CHECK(CERTKIT_ERROR_CERT_EXPIRED == 20);
  CHECK(CERTKIT_ERROR_POLICY_VIOLATION == 29);
  CHECK(CERTKIT_ERROR_CERT_REVOKED == 30);
  CHECK(CERTKIT_ERROR_TLS_HANDSHAKE == 40);
  CHECK(CERTKIT_ERROR_INTERNAL == 99);
  CHECK(CERTKIT_ERROR_NULL_ARGUMENT == 100);
  CHECK(CERTKIT_ERROR_OUT_OF_MEMORY == 101);
  for (code = 0; code < 128; code++) {
    const char* desc = certkit_error_desc((CertkitError)code);
    const char* name = certkit_error_name((CertkitError)code);
    /* Which codes exist is checked against lib/util/errors.def by the ctest
     * test errors:tables_match_def; here: both tables know the same codes. */
    CHECK(desc != NULL && name != NULL);
    CHECK((strcmp(desc, "unknown error") == 0) == (strcmp(name, "unknown") == 0));
  }
  CHECK(strcmp(certkit_error_name(CERTKIT_ERROR_BAD_PASSWORD), "bad_password") == 0);
  CHECK(strcmp(certkit_error_name(CERTKIT_ERROR_NULL_ARGUMENT), "null_argument") == 0);
  certkit_buffer_free(NULL);
}

/* ------------------------------------------------------------------------ */

static void test_keys(void) {
  CertkitKey* key = NULL;
  CertkitKey* again = NULL;
  CertkitKeyType type;
  int bits = 0;
  char* text = NULL;
  char* pem = NULL;
  char* enc = NULL;
  uint8_t* der = NULL;
  size_t der_length = 0, length = 0;
  char padded[8192];

  CHECK_ERR(certkit_key_generate(NULL, &key), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_ERR(certkit_key_generate("ec:p256", NULL), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_ERR(certkit_key_generate("dsa:1024", &key), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_ERR(certkit_key_generate("rsa:1024", &key), CERTKIT_ERROR_WEAK_PARAMETER);
  CHECK(key == NULL); /* untouched on failure */
  /* _n honours the length: "ec:p256" followed by junk. */
  CHECK_OK(certkit_key_generate_n("ec:p256JUNK", 7, &key));
  CHECK_OK(certkit_key_type(key, &type));
  CHECK(type == CERTKIT_KEY_EC_P256);
  CHECK_OK(certkit_key_bits(key, &bits));
  CHECK(bits == 256);
  CHECK_OK(certkit_key_describe(key, &text, &length));
  CHECK(text != NULL && strlen(text) == length && strstr(text, "P-256") != NULL);
  certkit_buffer_free(text);
  CHECK_ERR(certkit_key_type(NULL, &type), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_ERR(certkit_key_bits(key, NULL), CERTKIT_ERROR_NULL_ARGUMENT);

  CHECK_OK(certkit_key_to_pem(key, CERTKIT_KEY_FORMAT_PKCS8, &pem, NULL));
  CHECK(strncmp(pem, "-----BEGIN PRIVATE KEY-----", 27) == 0);
  CHECK_OK(certkit_key_to_pem(key, CERTKIT_KEY_FORMAT_TRADITIONAL, &text, NULL));
  CHECK(strstr(text, "BEGIN EC PRIVATE KEY") != NULL);
  certkit_buffer_free(text);
  CHECK_ERR(certkit_key_to_pem(key, (CertkitKeyFormat)7, &text, NULL),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_ERR(certkit_key_to_pem(key, CERTKIT_KEY_FORMAT_PKCS8, NULL, NULL),
            CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_OK(certkit_key_to_der(key, CERTKIT_KEY_FORMAT_PKCS8, &der, &der_length));
  CHECK(der_length > 100);
  CHECK_ERR(certkit_key_to_der(key, CERTKIT_KEY_FORMAT_PKCS8, &der, NULL),
            CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_OK(certkit_key_from_der(der, der_length, NULL, &again));
  certkit_key_free(again);
  again = NULL;
  CHECK_ERR(certkit_key_from_der(NULL, 10, NULL, &again), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_ERR(certkit_key_from_der(der, 5, NULL, &again), CERTKIT_ERROR_MALFORMED);
  certkit_buffer_free(der);

  /* PEM input without NUL termination, followed by garbage. */
  length = strlen(pem);
  memcpy(padded, pem, length);
  memset(padded + length, 'x', 64);
  CHECK_OK(certkit_key_from_pem_n(padded, length, NULL, 0, &again));
  certkit_key_free(again);
  again = NULL;
  CHECK_ERR(certkit_key_from_pem("not a key", NULL, &again), CERTKIT_ERROR_MALFORMED);
  CHECK_ERR(certkit_key_from_pem(NULL, NULL, &again), CERTKIT_ERROR_NULL_ARGUMENT);

  /* Encrypted PKCS#8: the password length is honoured ("s3cret-pw" of "s3cret-pwXYZ"). */
  CHECK_OK(certkit_key_to_encrypted_pem_n(key, "s3cret-pwXYZ", 9, &enc, NULL));
  CHECK(strstr(enc, "ENCRYPTED PRIVATE KEY") != NULL);
  CHECK_OK(certkit_key_from_pem(enc, "s3cret-pw", &again));
  certkit_key_free(again);
  again = NULL;
  CHECK_ERR(certkit_key_from_pem(enc, "s3cret-pwXYZ", &again), CERTKIT_ERROR_BAD_PASSWORD);
  CHECK_NO_SECRET("s3cret-pwXYZ");
  CHECK_ERR(certkit_key_from_pem(enc, NULL, &again), CERTKIT_ERROR_BAD_PASSWORD);
  CHECK_ERR(certkit_key_from_pem_n(enc, strlen(enc), "s3cret-pw", 3, &again),
            CERTKIT_ERROR_BAD_PASSWORD);
  CHECK_ERR(certkit_key_to_encrypted_pem(key, "", &text, NULL), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_ERR(certkit_key_to_encrypted_pem(key, NULL, &text, NULL), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_OK(certkit_key_to_encrypted_der(key, "pw", &der, &der_length));
  CHECK_OK(certkit_key_from_der_n(der, der_length, "pwX", 2, &again));
  certkit_key_free(again);
  again = NULL;
  certkit_buffer_free(der);
  CHECK_OK(certkit_key_to_encrypted_der_n(key, "pw", 2, &der, &der_length));
  certkit_buffer_free(der);

  CHECK_OK(certkit_key_public_pem(key, &text, NULL));
  CHECK(strstr(text, "BEGIN PUBLIC KEY") != NULL);
  certkit_buffer_free(text);

  certkit_buffer_free(enc);
  certkit_buffer_free(pem);
  certkit_key_free(key);
  certkit_key_free(NULL);
}

/* ------------------------------------------------------------------------ */

static void test_names(void) {
  const char* dn = "CN=node1, OU=Drivers and Tools, O=DataStax Inc., C=US";
  CertkitName* name = NULL;
  CertkitName* empty = NULL;
  char* text = NULL;
  char* type = NULL;
  char* value = NULL;
  size_t count = 0, length = 0;

  CHECK_OK(certkit_name_parse(dn, &name));
  CHECK_OK(certkit_name_to_string(name, CERTKIT_NAME_RFC4514, &text, &length));
  CHECK(strcmp(text, dn) == 0 && length == strlen(dn));
  certkit_buffer_free(text);
  CHECK_OK(certkit_name_to_string(name, CERTKIT_NAME_SLASH, &text, NULL));
  CHECK(strcmp(text, "/C=US/O=DataStax Inc./OU=Drivers and Tools/CN=node1") == 0);
  certkit_buffer_free(text);
  CHECK_ERR(certkit_name_to_string(name, (CertkitNameStyle)9, &text, NULL),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_name_get(name, "cn", &text, NULL));
  CHECK(strcmp(text, "node1") == 0);
  certkit_buffer_free(text);
  CHECK_ERR(certkit_name_get(name, "L", &text, NULL), CERTKIT_ERROR_NOT_FOUND);
  CHECK(strstr(certkit_last_error_message(), "'L'") != NULL);
  CHECK_OK(certkit_name_set_n(name, "LXX", 1, "Santa ClaraXX", 11));
  CHECK_OK(certkit_name_get_n(name, "L?", 1, &text, NULL));
  CHECK(strcmp(text, "Santa Clara") == 0);
  certkit_buffer_free(text);
  CHECK_OK(certkit_name_count(name, &count));
  CHECK(count == 5);
  CHECK_OK(certkit_name_attribute(name, 0, &type, &value));
  CHECK(strcmp(type, "C") == 0 && strcmp(value, "US") == 0);
  certkit_buffer_free(type);
  certkit_buffer_free(value);
  CHECK_OK(certkit_name_attribute(name, 4, NULL, &value));
  CHECK(strcmp(value, "Santa Clara") == 0);
  certkit_buffer_free(value);
  CHECK_ERR(certkit_name_attribute(name, 5, &type, &value), CERTKIT_ERROR_LIMIT_EXCEEDED);
  CHECK_ERR(certkit_name_attribute(name, 0, NULL, NULL), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_ERR(certkit_name_set(name, NULL, "x"), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_ERR(certkit_name_set(name, "", "x"), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_ERR(certkit_name_parse("garbage without equals", &empty), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_ERR(certkit_name_parse("CN=a+OU=b", &empty), CERTKIT_ERROR_UNSUPPORTED);
  CHECK_OK(certkit_name_parse_n("/CN=slash/O=x/trailing", 13, &empty));
  CHECK_OK(certkit_name_to_string(empty, CERTKIT_NAME_RFC4514, &text, NULL));
  CHECK(strcmp(text, "O=x, CN=slash") == 0);
  certkit_buffer_free(text);
  certkit_name_free(empty);
  CHECK_OK(certkit_name_new(&empty));
  CHECK_OK(certkit_name_count(empty, &count));
  CHECK(count == 0);
  certkit_name_free(empty);
  certkit_name_free(name);
  certkit_name_free(NULL);
}

/* ------------------------------------------------------------------------ */

/* Shared fixtures for the CA, verification and keystore tests. */
static CertkitCa* g_root;
static CertkitCa* g_inter;
static CertkitKey* g_node_key;
static CertkitCert* g_node_cert;

static CertkitName* make_name(const char* text) {
  CertkitName* name = NULL;
  CHECK_OK(certkit_name_parse(text, &name));
  return name;
}

static void test_ca_and_certs(void) {
  CertkitCaOptions* options = NULL;
  CertkitName* subject = make_name("CN=certkit C test root, O=certkit");
  CertkitName* inter_subject = make_name("CN=certkit C test intermediate, O=certkit");
  CertkitName* node_subject = make_name("CN=node1, O=certkit");
  CertkitCsr* csr = NULL;
  CertkitCsr* parsed_csr = NULL;
  CertkitProfile* profile = NULL;
  CertkitProfile* strict = NULL;
  CertkitIssueOptions* issue = NULL;
  CertkitCert* cert = NULL;
  CertkitCert* copy = NULL;
  CertkitCertList* list = NULL;
  CertkitCa* ca = NULL;
  CertkitKey* other_key = NULL;
  CertkitName* name = NULL;
  CertkitSanType san_type;
  char* text = NULL;
  char* pem = NULL;
  char* key_pem = NULL;
  uint8_t* der = NULL;
  size_t length = 0, count = 0;
  int version = 0, is_ca = -1, path_len = 0, matches = -1;
  uint32_t ku = 0;
  int64_t not_before = 0, not_after = 0;

  CHECK_OK(certkit_ca_options_new(&options));
  CHECK_ERR(certkit_ca_create_root(options, &g_root), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_ca_options_set_subject(options, subject));
  CHECK_ERR(certkit_ca_options_set_key_spec(options, "bogus"), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_ca_options_set_key_spec_n(options, "ec:p256!!", 7));
  CHECK_ERR(certkit_ca_options_set_days(options, 0), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_ca_options_set_days(options, 3650));
  CHECK_OK(certkit_ca_options_set_path_len(options, 1));
  CHECK_ERR(certkit_ca_create_root(NULL, &g_root), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_OK(certkit_ca_create_root(options, &g_root));
  certkit_ca_options_free(options);

  CHECK_OK(certkit_ca_options_new(&options));
  CHECK_OK(certkit_ca_options_set_subject(options, inter_subject));
  CHECK_OK(certkit_ca_options_set_days(options, 1825));
  CHECK_OK(certkit_ca_create_intermediate(g_root, options, &g_inter));
  /* The intermediate has pathlen 0: no CA below it. */
  CHECK_ERR(certkit_ca_create_intermediate(g_inter, options, &ca),
            CERTKIT_ERROR_PATH_LENGTH_EXCEEDED);
  certkit_ca_options_free(options);
  CHECK_OK(certkit_ca_chain(g_inter, &list));
  CHECK_OK(certkit_cert_list_count(list, &count));
  CHECK(count == 2);
  certkit_cert_list_free(list);
  list = NULL;

  /* CSR for a node with SANs. */
  CHECK_OK(certkit_key_generate("ec:p256", &g_node_key));
  CHECK_ERR(certkit_csr_create(node_subject, "DNS:localhost,IP:127.0.0.1", NULL, &csr),
            CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_ERR(certkit_csr_create(node_subject, "IP:999.1.1.1", g_node_key, &csr),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_csr_create_n(node_subject, "DNS:localhost,IP:127.0.0.1,,,", 26, g_node_key,
                                &csr));
  CHECK_OK(certkit_csr_to_pem(csr, &pem, NULL));
  CHECK(strstr(pem, "BEGIN CERTIFICATE REQUEST") != NULL);
  CHECK_OK(certkit_csr_from_pem(pem, &parsed_csr));
  certkit_buffer_free(pem);
  CHECK_OK(certkit_csr_verify_signature(parsed_csr));
  CHECK_OK(certkit_csr_sans(parsed_csr, &text, NULL));
  CHECK(strcmp(text, "DNS:localhost,IP:127.0.0.1") == 0);
  certkit_buffer_free(text);
  CHECK_OK(certkit_csr_subject(parsed_csr, &name));
  CHECK_OK(certkit_name_to_string(name, CERTKIT_NAME_RFC4514, &text, NULL));
  CHECK(strcmp(text, "CN=node1, O=certkit") == 0);
  certkit_buffer_free(text);
  certkit_name_free(name);
  CHECK_OK(certkit_csr_public_key_pem(parsed_csr, &text, NULL));
  CHECK(strstr(text, "PUBLIC KEY") != NULL);
  certkit_buffer_free(text);
  CHECK_ERR(certkit_csr_from_pem("junk", &parsed_csr), CERTKIT_ERROR_MALFORMED);

  /* A CSR with one flipped signature byte fails its signature check. */
  CHECK_OK(certkit_csr_to_der(csr, &der, &length));
  der[length - 3] ^= 0x55;
  {
    CertkitCsr* tampered = NULL;
    CHECK_OK(certkit_csr_from_der(der, length, &tampered));
    if (tampered != NULL) {
      CHECK_ERR(certkit_csr_verify_signature(tampered), CERTKIT_ERROR_BAD_SIGNATURE);
      CHECK_OK(certkit_profile_new("node", &profile));
      CHECK_ERR(certkit_ca_sign_csr(g_inter, tampered, profile, NULL, &cert),
                CERTKIT_ERROR_BAD_SIGNATURE);
      certkit_profile_free(profile);
      profile = NULL;
    }
    certkit_csr_free(tampered);
  }
  certkit_buffer_free(der);

  /* Profiles. */
  CHECK_ERR(certkit_profile_new("bogus", &profile), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(certkit_last_error_message(), "bogus") != NULL);
  CHECK_OK(certkit_profile_new_n("serverXX", 6, &profile));
  CHECK_ERR(certkit_profile_set_days(profile, -1), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_profile_set_days(profile, 30));
  CHECK_ERR(certkit_profile_set_extended_key_usage(profile, "fooAuth"),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_profile_set_extended_key_usage(profile, "serverAuth"));
  CHECK_ERR(certkit_profile_set_key_usage(profile, 1u << 12), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_profile_set_key_usage(profile, 0x5)); /* digitalSignature|keyEncipherment */

  CHECK_OK(certkit_issue_options_new(&issue));
  CHECK_ERR(certkit_issue_options_add_sans(issue, "IP:not-an-ip"),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_issue_options_add_sans_n(issue, "DNS:node1.cluster.localXX", 23));
  CHECK_ERR(certkit_issue_options_set_policy(issue, (CertkitSigningPolicy)5),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_issue_options_set_policy(issue, CERTKIT_POLICY_PERMISSIVE));
  CHECK_OK(certkit_ca_sign_csr(g_inter, csr, profile, issue, &g_node_cert));
  certkit_issue_options_free(issue);
  issue = NULL;

  /* Fields of the issued certificate. */
  CHECK_OK(certkit_cert_version(g_node_cert, &version));
  CHECK(version == 3);
  CHECK_OK(certkit_cert_serial_hex(g_node_cert, &text, &length));
  CHECK(length >= 16 && strspn(text, "0123456789abcdef") == length);
  certkit_buffer_free(text);
  CHECK_OK(certkit_cert_subject_string(g_node_cert, &text, NULL));
  CHECK(strcmp(text, "CN=node1, O=certkit") == 0);
  certkit_buffer_free(text);
  CHECK_OK(certkit_cert_issuer_string(g_node_cert, &text, NULL));
  CHECK(strcmp(text, "CN=certkit C test intermediate, O=certkit") == 0);
  certkit_buffer_free(text);
  CHECK_OK(certkit_cert_issuer(g_node_cert, &name));
  CHECK_OK(certkit_name_get(name, "CN", &text, NULL));
  CHECK(strcmp(text, "certkit C test intermediate") == 0);
  certkit_buffer_free(text);
  certkit_name_free(name);
  CHECK_OK(certkit_cert_subject(g_node_cert, &name));
  certkit_name_free(name);
  CHECK_OK(certkit_cert_not_before(g_node_cert, &not_before));
  CHECK_OK(certkit_cert_not_after(g_node_cert, &not_after));
  CHECK(not_before <= (int64_t)time(NULL) && not_before > (int64_t)time(NULL) - 3600);
  CHECK(not_after - not_before >= 29 * 86400 && not_after - not_before <= 31 * 86400);
  CHECK_OK(certkit_cert_sans(g_node_cert, &text, NULL));
  CHECK(strstr(text, "DNS:localhost") != NULL && strstr(text, "IP:127.0.0.1") != NULL &&
        strstr(text, "DNS:node1.cluster.local") != NULL);
  certkit_buffer_free(text);
  CHECK_OK(certkit_cert_san_count(g_node_cert, &count));
  CHECK(count == 3);
  CHECK_OK(certkit_cert_san_at(g_node_cert, 0, &san_type, &text, &length));
  CHECK(san_type == CERTKIT_SAN_DNS || san_type == CERTKIT_SAN_IP);
  certkit_buffer_free(text);
  CHECK_ERR(certkit_cert_san_at(g_node_cert, 3, &san_type, &text, NULL),
            CERTKIT_ERROR_LIMIT_EXCEEDED);
  CHECK_OK(certkit_cert_basic_constraints(g_node_cert, &is_ca, &path_len));
  CHECK(is_ca == 0);
  CHECK_OK(certkit_cert_key_usage(g_node_cert, &ku));
  /* The profile asked for digitalSignature|keyEncipherment; the node key is
   * EC, for which keyEncipherment is not allowed (RFC 5480 section 3). */
  CHECK(ku == 0x1);
  CHECK_OK(certkit_cert_extended_key_usage(g_node_cert, &text, NULL));
  CHECK(strcmp(text, "1.3.6.1.5.5.7.3.1") == 0);
  certkit_buffer_free(text);
  CHECK_OK(certkit_cert_signature_algorithm(g_node_cert, &text, NULL));
  CHECK(strstr(text, "ecdsa") != NULL);
  certkit_buffer_free(text);
  CHECK_OK(certkit_cert_fingerprint(g_node_cert, CERTKIT_DIGEST_SHA256, &text, &length));
  CHECK(length == 95 && text[2] == ':');
  certkit_buffer_free(text);
  CHECK_OK(certkit_cert_fingerprint(g_node_cert, CERTKIT_DIGEST_SHA1, &text, &length));
  CHECK(length == 59);
  certkit_buffer_free(text);
  CHECK_ERR(certkit_cert_fingerprint(g_node_cert, (CertkitDigest)3, &text, NULL),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_cert_summary(g_node_cert, &text, NULL));
  CHECK(strstr(text, "node1") != NULL);
  certkit_buffer_free(text);
  CHECK_OK(certkit_cert_public_key_pem(g_node_cert, &text, NULL));
  CHECK(strstr(text, "BEGIN PUBLIC KEY") != NULL);
  certkit_buffer_free(text);
  CHECK_OK(certkit_cert_matches_key(g_node_cert, g_node_key, &matches));
  CHECK(matches == 1);
  CHECK_OK(certkit_key_generate("ec:p256", &other_key));
  CHECK_OK(certkit_cert_matches_key(g_node_cert, other_key, &matches));
  CHECK(matches == 0);

  /* CA certificate fields: CA with pathlen. */
  CHECK_OK(certkit_ca_certificate(g_root, &cert));
  CHECK_OK(certkit_cert_basic_constraints(cert, &is_ca, &path_len));
  CHECK(is_ca == 1 && path_len == 1);
  CHECK_ERR(certkit_cert_extended_key_usage(cert, &text, NULL), CERTKIT_ERROR_NOT_FOUND);
  certkit_cert_free(cert);
  cert = NULL;

  /* PEM and DER round trips. */
  CHECK_OK(certkit_cert_to_der(g_node_cert, &der, &length));
  CHECK_OK(certkit_cert_from_der(der, length, &copy));
  CHECK_OK(certkit_cert_equal(copy, g_node_cert, &matches));
  CHECK(matches == 1);
  certkit_cert_free(copy);
  copy = NULL;
  CHECK_ERR(certkit_cert_from_der(der, length - 1, &copy), CERTKIT_ERROR_MALFORMED);
  certkit_buffer_free(der);
  CHECK_OK(certkit_cert_to_pem(g_node_cert, &pem, &length));
  CHECK_OK(certkit_cert_from_pem_n(pem, length, &copy));
  certkit_cert_free(copy);
  copy = NULL;
  certkit_buffer_free(pem);
  CHECK_ERR(certkit_cert_from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                                  &copy),
            CERTKIT_ERROR_MALFORMED);
  CHECK_ERR(certkit_cert_from_pem(NULL, &copy), CERTKIT_ERROR_NULL_ARGUMENT);

  /* Certificate lists. */
  CHECK_OK(certkit_cert_list_new(&list));
  CHECK_ERR(certkit_cert_list_add(list, NULL), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_OK(certkit_cert_list_add(list, g_node_cert));
  CHECK_OK(certkit_ca_certificate(g_inter, &cert));
  CHECK_OK(certkit_cert_list_add(list, cert));
  certkit_cert_free(cert);
  cert = NULL;
  CHECK_OK(certkit_cert_list_to_pem(list, &pem, NULL));
  certkit_cert_list_free(list);
  list = NULL;
  CHECK_OK(certkit_cert_list_parse(pem, &list));
  CHECK_OK(certkit_cert_list_count(list, &count));
  CHECK(count == 2);
  CHECK_OK(certkit_cert_list_get(list, 1, &cert));
  CHECK_ERR(certkit_cert_list_get(list, 2, &copy), CERTKIT_ERROR_LIMIT_EXCEEDED);
  certkit_cert_free(cert);
  cert = NULL;
  certkit_cert_list_free(list);
  list = NULL;
  CHECK_ERR(certkit_cert_list_parse("no certificates here", &list), CERTKIT_ERROR_MALFORMED);
  certkit_buffer_free(pem);

  /* Loading a CA: from PEM (cert + chain, encrypted key), a leaf is not a CA,
   * a foreign key does not match. */
  CHECK_OK(certkit_ca_chain(g_inter, &list));
  CHECK_OK(certkit_cert_list_to_pem(list, &pem, NULL));
  certkit_cert_list_free(list);
  list = NULL;
  CHECK_ERR(certkit_ca_key(g_inter, NULL), CERTKIT_ERROR_NULL_ARGUMENT);
  {
    CertkitKey* inter_key = NULL;
    CHECK_OK(certkit_ca_key(g_inter, &inter_key));
    CHECK_OK(certkit_key_to_encrypted_pem(inter_key, "ca-pass", &key_pem, NULL));
    certkit_key_free(inter_key);
  }
  CHECK_OK(certkit_ca_load_pem(pem, key_pem, "ca-pass", &ca));
  CHECK_ERR(certkit_ca_load_pem(pem, key_pem, "wrong-ca-pass", &ca),
            CERTKIT_ERROR_BAD_PASSWORD);
  CHECK_NO_SECRET("wrong-ca-pass");
  {
    CertkitCert* issued = NULL;
    CHECK_OK(certkit_issue_options_new(&issue));
    CHECK_ERR(certkit_ca_sign_key(ca, other_key, profile, issue, &issued),
              CERTKIT_ERROR_INVALID_ARGUMENT); /* no subject */
    CHECK_OK(certkit_issue_options_set_subject(issue, node_subject));
    CHECK_OK(certkit_issue_options_set_days(issue, 10));
    CHECK_ERR(certkit_ca_sign_key(ca, other_key, profile, issue, &issued),
              CERTKIT_ERROR_INVALID_ARGUMENT); /* the server profile requires a SAN */
    CHECK_OK(certkit_issue_options_add_sans(issue, "node2.example"));
    CHECK_OK(certkit_ca_sign_key(ca, other_key, profile, issue, &issued));
    CHECK_OK(certkit_cert_matches_key(issued, other_key, &matches));
    CHECK(matches == 1);
    certkit_cert_free(issued);
    certkit_issue_options_free(issue);
    issue = NULL;
  }
  certkit_ca_free(ca);
  ca = NULL;
  CHECK_ERR(certkit_ca_load(g_node_cert, g_node_key, NULL, &ca), CERTKIT_ERROR_ISSUER_NOT_CA);
  CHECK_OK(certkit_ca_certificate(g_inter, &cert));
  CHECK_ERR(certkit_ca_load(cert, other_key, NULL, &ca), CERTKIT_ERROR_KEY_MISMATCH);
  certkit_cert_free(cert);
  cert = NULL;
  certkit_buffer_free(pem);
  certkit_buffer_free(key_pem);

  /* A profile that requires a SAN refuses a CSR without one. */
  {
    CertkitCsr* bare = NULL;
    CertkitCert* issued = NULL;
    CHECK_OK(certkit_csr_create(node_subject, NULL, other_key, &bare));
    CHECK_OK(certkit_profile_new("client", &strict));
    CHECK_OK(certkit_profile_set_require_san(strict, 1));
    CHECK_ERR(certkit_ca_sign_csr(g_inter, bare, strict, NULL, &issued),
              CERTKIT_ERROR_INVALID_ARGUMENT);
    certkit_profile_free(strict);
    certkit_csr_free(bare);
  }

  certkit_key_free(other_key);
  certkit_profile_free(profile);
  certkit_csr_free(csr);
  certkit_csr_free(parsed_csr);
  certkit_name_free(subject);
  certkit_name_free(inter_subject);
  certkit_name_free(node_subject);
  certkit_ca_free(NULL);
  certkit_csr_free(NULL);
  certkit_profile_free(NULL);
  certkit_ca_options_free(NULL);
  certkit_issue_options_free(NULL);
  certkit_cert_free(NULL);
  certkit_cert_list_free(NULL);
}

/* ------------------------------------------------------------------------ */

static void test_verify(void) {
  CertkitCertList* anchors = NULL;
  CertkitCertList* intermediates = NULL;
  CertkitCertList* chain = NULL;
  CertkitCertList* other_anchors = NULL;
  CertkitVerifyOptions* options = NULL;
  CertkitCert* cert = NULL;
  CertkitCaOptions* ca_options = NULL;
  CertkitCa* other_root = NULL;
  CertkitName* subject = make_name("CN=unrelated root");
  int64_t not_before = 0, not_after = 0;
  size_t count = 0;

  CHECK_OK(certkit_cert_list_new(&anchors));
  CHECK_OK(certkit_ca_certificate(g_root, &cert));
  CHECK_OK(certkit_cert_list_add(anchors, cert));
  certkit_cert_free(cert);
  CHECK_OK(certkit_cert_list_new(&intermediates));
  CHECK_OK(certkit_ca_certificate(g_inter, &cert));
  CHECK_OK(certkit_cert_list_add(intermediates, cert));
  certkit_cert_free(cert);

  CHECK_ERR(certkit_verify(NULL, intermediates, anchors, NULL, NULL),
            CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_ERR(certkit_verify(g_node_cert, intermediates, NULL, NULL, NULL),
            CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_OK(certkit_verify(g_node_cert, intermediates, anchors, NULL, &chain));
  CHECK_OK(certkit_cert_list_count(chain, &count));
  CHECK(count == 3);
  certkit_cert_list_free(chain);
  /* Without the intermediate there is no path. */
  CHECK_ERR(certkit_verify(g_node_cert, NULL, anchors, NULL, NULL),
            CERTKIT_ERROR_UNKNOWN_ISSUER);

  /* A prepared trust store gives the same answers. */
  {
    CertkitTrustStore* trust = NULL;
    CHECK_ERR(certkit_trust_store_new(NULL), CERTKIT_ERROR_NULL_ARGUMENT);
    CHECK_OK(certkit_trust_store_new(&trust));
    CHECK_ERR(certkit_verify_with_trust_store(g_node_cert, intermediates, trust, NULL, NULL),
              CERTKIT_ERROR_UNKNOWN_ISSUER);
    CHECK_OK(certkit_ca_certificate(g_root, &cert));
    CHECK_ERR(certkit_trust_store_add_cert(trust, NULL), CERTKIT_ERROR_NULL_ARGUMENT);
    CHECK_ERR(certkit_trust_store_add_cert(NULL, cert), CERTKIT_ERROR_NULL_ARGUMENT);
    CHECK_OK(certkit_trust_store_add_cert(trust, cert));
    CHECK_OK(certkit_trust_store_add_cert(trust, cert));
    certkit_cert_free(cert);
    CHECK(certkit_trust_store_count(trust) == 1);
    CHECK_OK(certkit_verify_with_trust_store(g_node_cert, intermediates, trust, NULL, &chain));
    CHECK_OK(certkit_cert_list_count(chain, &count));
    CHECK(count == 3);
    certkit_cert_list_free(chain);
    CHECK_ERR(certkit_verify_with_trust_store(g_node_cert, NULL, trust, NULL, NULL),
              CERTKIT_ERROR_UNKNOWN_ISSUER);
    CHECK_ERR(certkit_verify_with_trust_store(g_node_cert, intermediates, NULL, NULL, NULL),
              CERTKIT_ERROR_NULL_ARGUMENT);
    CHECK_ERR(certkit_verify_with_trust_store(NULL, intermediates, trust, NULL, NULL),
              CERTKIT_ERROR_NULL_ARGUMENT);
    certkit_trust_store_free(trust);
  }

  CHECK_OK(certkit_verify_options_new(&options));
  CHECK_OK(certkit_verify_options_set_identity(options, CERTKIT_IDENTITY_DNS, "localhost"));
  CHECK_OK(certkit_verify(g_node_cert, intermediates, anchors, options, NULL));
  CHECK_OK(certkit_verify_options_set_identity_n(options, CERTKIT_IDENTITY_IP, "127.0.0.1:9042",
                                                 9));
  CHECK_OK(certkit_verify(g_node_cert, intermediates, anchors, options, NULL));
  CHECK_OK(certkit_verify_options_set_identity(options, CERTKIT_IDENTITY_HOST, "10.1.2.3"));
  CHECK_ERR(certkit_verify(g_node_cert, intermediates, anchors, options, NULL),
            CERTKIT_ERROR_IDENTITY_MISMATCH);
  CHECK(strstr(certkit_last_error_message(), "10.1.2.3") != NULL);
  CHECK_OK(certkit_verify_options_set_identity(options, CERTKIT_IDENTITY_DNS, "evil.example"));
  CHECK_ERR(certkit_verify(g_node_cert, intermediates, anchors, options, NULL),
            CERTKIT_ERROR_IDENTITY_MISMATCH);
  CHECK_ERR(certkit_verify_options_set_identity(options, CERTKIT_IDENTITY_DNS, NULL),
            CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_ERR(certkit_verify_options_set_identity(options, (CertkitIdentityType)42, "x"),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_verify_options_set_identity(options, CERTKIT_IDENTITY_NONE, NULL));
  CHECK_OK(certkit_verify_options_set_allow_cn_fallback(options, 0));
  CHECK_ERR(certkit_verify_options_set_max_depth(options, 0), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_verify_options_set_max_depth(options, 10));

  /* Purpose: the "server" profile cert is serverAuth only. */
  CHECK_OK(certkit_verify_options_set_purpose(options, CERTKIT_PURPOSE_SERVER_AUTH));
  CHECK_OK(certkit_verify(g_node_cert, intermediates, anchors, options, NULL));
  CHECK_OK(certkit_verify_options_set_purpose(options, CERTKIT_PURPOSE_CLIENT_AUTH));
  CHECK_ERR(certkit_verify(g_node_cert, intermediates, anchors, options, NULL),
            CERTKIT_ERROR_WRONG_PURPOSE);
  CHECK_ERR(certkit_verify_options_set_purpose(options, (CertkitPurpose)9),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_verify_options_set_purpose(options, CERTKIT_PURPOSE_ANY));

  /* Time: after notAfter is expired, before notBefore not yet valid. */
  CHECK_OK(certkit_cert_not_before(g_node_cert, &not_before));
  CHECK_OK(certkit_cert_not_after(g_node_cert, &not_after));
  CHECK_OK(certkit_verify_options_set_time(options, not_after + 86400));
  CHECK_ERR(certkit_verify(g_node_cert, intermediates, anchors, options, NULL),
            CERTKIT_ERROR_CERT_EXPIRED);
  CHECK_OK(certkit_verify_options_set_time(options, not_before - 86400));
  CHECK_ERR(certkit_verify(g_node_cert, intermediates, anchors, options, NULL),
            CERTKIT_ERROR_CERT_NOT_YET_VALID);
  CHECK_OK(certkit_verify_options_set_time(options, not_before + 60));
  CHECK_OK(certkit_verify(g_node_cert, intermediates, anchors, options, NULL));

  /* An unrelated root does not anchor the chain. */
  CHECK_OK(certkit_ca_options_new(&ca_options));
  CHECK_OK(certkit_ca_options_set_subject(ca_options, subject));
  CHECK_OK(certkit_ca_create_root(ca_options, &other_root));
  CHECK_OK(certkit_cert_list_new(&other_anchors));
  CHECK_OK(certkit_ca_certificate(other_root, &cert));
  CHECK_OK(certkit_cert_list_add(other_anchors, cert));
  certkit_cert_free(cert);
  CHECK_ERR(certkit_verify(g_node_cert, intermediates, other_anchors, NULL, NULL),
            CERTKIT_ERROR_UNKNOWN_ISSUER);

  certkit_cert_list_free(other_anchors);
  certkit_ca_free(other_root);
  certkit_ca_options_free(ca_options);
  certkit_name_free(subject);
  certkit_verify_options_free(options);
  certkit_verify_options_free(NULL);
  certkit_cert_list_free(anchors);
  certkit_cert_list_free(intermediates);
}

/* ------------------------------------------------------------------------ */

static void test_keystores(void) {
  CertkitKeystore* store = NULL;
  CertkitKeystore* loaded = NULL;
  CertkitKeystore* other = NULL;
  CertkitCertList* chain = NULL;
  CertkitCertList* list = NULL;
  CertkitCert* cert = NULL;
  CertkitKey* key = NULL;
  CertkitCa* ca = NULL;
  CertkitEntryType type;
  CertkitStoreFormat format;
  uint8_t* bytes = NULL;
  uint8_t* converted = NULL;
  size_t length = 0, converted_length = 0, count = 0, i;
  char* alias = NULL;
  char path[512];
  char command[2048];
  int64_t date = 0;
  int matches = 0, found_integrity = 0;

  CHECK_OK(certkit_keystore_new(&store));
  CHECK_OK(certkit_keystore_format(store, &format));
  CHECK(format == CERTKIT_STORE_AUTO);
  CHECK_OK(certkit_ca_chain(g_inter, &chain));
  {
    CertkitCertList* node_chain = NULL;
    CertkitKey* inter_key = NULL;
    size_t n = 0;
    CHECK_OK(certkit_cert_list_new(&node_chain));
    CHECK_OK(certkit_cert_list_add(node_chain, g_node_cert));
    CHECK_OK(certkit_cert_list_count(chain, &n));
    for (i = 0; i < n; i++) {
      CHECK_OK(certkit_cert_list_get(chain, i, &cert));
      CHECK_OK(certkit_cert_list_add(node_chain, cert));
      certkit_cert_free(cert);
    }
    CHECK_OK(certkit_keystore_set_key_entry(store, "Node", g_node_key, node_chain));
    CHECK_OK(certkit_ca_key(g_inter, &inter_key));
    CHECK_ERR(certkit_keystore_set_key_entry(store, "bad", inter_key, node_chain),
              CERTKIT_ERROR_KEY_MISMATCH);
    certkit_key_free(inter_key);
    certkit_cert_list_free(node_chain);
  }
  CHECK_OK(certkit_cert_list_get(chain, 1, &cert)); /* the root */
  CHECK_OK(certkit_keystore_add_trusted_cert(store, "rootca", cert));
  CHECK_ERR(certkit_keystore_add_trusted_cert(store, "ROOTCA", cert), CERTKIT_ERROR_ALREADY_EXISTS);
  certkit_cert_free(cert);
  cert = NULL;
  CHECK_OK(certkit_keystore_count(store, &count));
  CHECK(count == 2);
  CHECK_OK(certkit_keystore_alias_at(store, 0, &alias, NULL));
  CHECK(strcmp(alias, "node") == 0); /* lower-cased like the JDK */
  certkit_buffer_free(alias);
  CHECK_ERR(certkit_keystore_alias_at(store, 2, &alias, NULL), CERTKIT_ERROR_LIMIT_EXCEEDED);
  CHECK_OK(certkit_keystore_entry_type(store, "NODE", &type));
  CHECK(type == CERTKIT_ENTRY_PRIVATE_KEY);
  CHECK_OK(certkit_keystore_entry_type_n(store, "rootcaXYZ", 6, &type));
  CHECK(type == CERTKIT_ENTRY_TRUSTED_CERT);
  CHECK_ERR(certkit_keystore_entry_type(store, "missing-alias", &type), CERTKIT_ERROR_NOT_FOUND);
  CHECK(strstr(certkit_last_error_message(), "missing-alias") != NULL);
  CHECK_OK(certkit_keystore_entry_date(store, "node", &date));
  CHECK(date > (int64_t)time(NULL) - 3600 && date <= (int64_t)time(NULL) + 5);
  CHECK_ERR(certkit_keystore_get_key(store, "rootca", &key), CERTKIT_ERROR_INVALID_ARGUMENT);

  /* Save and reload as each writable format; JCEKS is read-only. */
  {
    CertkitStoreFormat formats[3] = {CERTKIT_STORE_JKS, CERTKIT_STORE_PKCS12, CERTKIT_STORE_PEM};
    int f;
    for (f = 0; f < 3; f++) {
      CHECK_OK(certkit_keystore_save(store, formats[f], "store-pass", 0, &bytes, &length));
      CHECK_OK(certkit_keystore_load(bytes, length, "store-pass", CERTKIT_STORE_AUTO, &loaded));
      CHECK_OK(certkit_keystore_format(loaded, &format));
      CHECK(format == formats[f]);
      CHECK_OK(certkit_keystore_get_key(loaded, "node", &key));
      CHECK_OK(certkit_cert_matches_key(g_node_cert, key, &matches));
      CHECK(matches == 1);
      certkit_key_free(key);
      key = NULL;
      CHECK_OK(certkit_keystore_get_chain(loaded, "node", &list));
      CHECK_OK(certkit_cert_list_count(list, &count));
      CHECK(count == 3);
      certkit_cert_list_free(list);
      list = NULL;
      certkit_keystore_free(loaded);
      loaded = NULL;
      if (formats[f] != CERTKIT_STORE_PEM) {
        CHECK_ERR(certkit_keystore_load(bytes, length, "wrong-store-pass", CERTKIT_STORE_AUTO,
                                        &loaded),
                  CERTKIT_ERROR_BAD_PASSWORD);
        CHECK_NO_SECRET("wrong-store-pass");
        CHECK_NO_SECRET("store-pass");
      }
      certkit_buffer_free(bytes);
      bytes = NULL;
    }
  }
  /* PKCS#12 profiles: modern2026 (a PBMAC1 MAC) loads back and refuses a
   * wrong password; passwordless-truststore refuses a store with a key; two
   * profile flags are refused (tests/keystore checks each with the peers). */
  CHECK_OK(certkit_keystore_save(store, CERTKIT_STORE_PKCS12, "store-pass",
                                 CERTKIT_SAVE_PKCS12_MODERN2026, &bytes, &length));
  CHECK_OK(certkit_keystore_load(bytes, length, "store-pass", CERTKIT_STORE_AUTO, &loaded));
  certkit_keystore_free(loaded);
  loaded = NULL;
  CHECK_ERR(certkit_keystore_load(bytes, length, "wrong-store-pass", CERTKIT_STORE_AUTO, &loaded),
            CERTKIT_ERROR_BAD_PASSWORD);
  CHECK(strstr(certkit_last_error_message(), "PBMAC1") != NULL);
  certkit_buffer_free(bytes);
  bytes = NULL;
  CHECK_ERR(certkit_keystore_save(store, CERTKIT_STORE_PKCS12, NULL,
                                  CERTKIT_SAVE_PKCS12_PASSWORDLESS_TRUSTSTORE, &bytes, &length),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(certkit_last_error_message(), "passwordless-truststore") != NULL);
  CHECK_ERR(certkit_keystore_save(store, CERTKIT_STORE_PKCS12, "store-pass",
                                  CERTKIT_SAVE_PKCS12_LEGACY | CERTKIT_SAVE_PKCS12_MODERN2026, &bytes,
                                  &length),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_ERR(certkit_keystore_save(store, CERTKIT_STORE_JCEKS, "pw", 0, &bytes, &length),
            CERTKIT_ERROR_UNSUPPORTED);
  CHECK_ERR(certkit_keystore_save(store, (CertkitStoreFormat)17, "pw", 0, &bytes, &length),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_ERR(certkit_keystore_load((const uint8_t*)"garbage!", 8, "pw", CERTKIT_STORE_AUTO,
                                  &loaded),
            CERTKIT_ERROR_MALFORMED);
  CHECK_ERR(certkit_keystore_load(NULL, 8, "pw", CERTKIT_STORE_AUTO, &loaded),
            CERTKIT_ERROR_NULL_ARGUMENT);

  /* Single-byte corruptions of a PKCS#12 never load; a damaged body with the
   * right password is reported as an integrity failure. */
  CHECK_OK(certkit_keystore_save_n(store, CERTKIT_STORE_PKCS12, "store-passXX", 10,
                                   CERTKIT_SAVE_PKCS12_LEGACY, &bytes, &length));
  for (i = length / 3; i < length - 64 && !found_integrity; i += 7) {
    CertkitError rc;
    bytes[i] ^= 0x01;
    rc = certkit_keystore_load(bytes, length, "store-pass", CERTKIT_STORE_PKCS12, &loaded);
    CHECK(rc != CERTKIT_OK);
    if (rc == CERTKIT_OK) {
      certkit_keystore_free(loaded);
      loaded = NULL;
    }
    if (rc == CERTKIT_ERROR_INTEGRITY) {
      found_integrity = 1;
      g_seen[CERTKIT_ERROR_INTEGRITY] = 1;
    }
    bytes[i] ^= 0x01;
  }
  CHECK(found_integrity);
  certkit_buffer_free(bytes);
  bytes = NULL;

  /* Files. */
  path_in_dir(path, sizeof(path), "store.p12");
  CHECK_OK(certkit_keystore_save_file(store, path, CERTKIT_STORE_PKCS12, "store-pass", 0));
  {
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
  }
  CHECK_OK(certkit_keystore_load_file(path, "store-pass", CERTKIT_STORE_PKCS12, &loaded));
  certkit_keystore_free(loaded);
  loaded = NULL;
  CHECK_OK(certkit_keystore_load_file_n(path, strlen(path), "store-passXX", 10,
                                        CERTKIT_STORE_AUTO, &loaded));
  certkit_keystore_free(loaded);
  loaded = NULL;
  path_in_dir(path, sizeof(path), "absent.jks");
  CHECK_ERR(certkit_keystore_load_file(path, "pw", CERTKIT_STORE_AUTO, &loaded),
            CERTKIT_ERROR_NOT_FOUND);
  path_in_dir(path, sizeof(path), "store.p12/below");
  CHECK_ERR(certkit_keystore_load_file(path, "pw", CERTKIT_STORE_AUTO, &loaded),
            CERTKIT_ERROR_IO);
  CHECK_ERR(certkit_keystore_save_file(store, path, CERTKIT_STORE_JKS, "pw", 0),
            CERTKIT_ERROR_IO);

  /* Convert: PKCS#12 -> JKS. */
  CHECK_OK(certkit_keystore_save(store, CERTKIT_STORE_PKCS12, "p12-pass", 0, &bytes, &length));
  CHECK_OK(certkit_keystore_convert(bytes, length, "p12-pass", CERTKIT_STORE_AUTO,
                                    CERTKIT_STORE_JKS, "jks-pass", 0, &converted,
                                    &converted_length));
  CHECK_OK(certkit_keystore_load(converted, converted_length, "jks-pass", CERTKIT_STORE_JKS,
                                 &loaded));
  CHECK_OK(certkit_keystore_count(loaded, &count));
  CHECK(count == 2);
  certkit_buffer_free(converted);
  CHECK_OK(certkit_keystore_convert_n(bytes, length, "p12-passXX", 8, CERTKIT_STORE_PKCS12,
                                      CERTKIT_STORE_PEM, "pem-pass", 8,
                                      CERTKIT_SAVE_PEM_PLAIN_KEYS, &converted,
                                      &converted_length));
  CHECK(converted_length > 0 && strstr((const char*)converted, "BEGIN PRIVATE KEY") != NULL);
  certkit_buffer_free(converted);
  CHECK_ERR(certkit_keystore_convert(bytes, length, "nope", CERTKIT_STORE_AUTO, CERTKIT_STORE_JKS,
                                     "x", 0, &converted, &converted_length),
            CERTKIT_ERROR_BAD_PASSWORD);
  certkit_buffer_free(bytes);
  bytes = NULL;

  /* Edit: rename, delete, merge, trusted certs, CA from a key store. */
  CHECK_OK(certkit_keystore_rename(loaded, "rootca", "root"));
  CHECK_ERR(certkit_keystore_rename(loaded, "rootca", "x"), CERTKIT_ERROR_NOT_FOUND);
  CHECK_ERR(certkit_keystore_rename_n(loaded, "rootXX", 4, "node", 4),
            CERTKIT_ERROR_ALREADY_EXISTS);
  CHECK_OK(certkit_keystore_trusted_certs(loaded, &list));
  CHECK_OK(certkit_cert_list_count(list, &count));
  CHECK(count == 1);
  certkit_cert_list_free(list);
  list = NULL;
  CHECK_OK(certkit_keystore_get_cert(loaded, "root", &cert));
  certkit_cert_free(cert);
  cert = NULL;
  CHECK_OK(certkit_keystore_get_cert_n(loaded, "nodeX", 4, &cert));
  CHECK_OK(certkit_cert_equal(cert, g_node_cert, &matches));
  CHECK(matches == 1);
  certkit_cert_free(cert);
  cert = NULL;
  CHECK_ERR(certkit_ca_load_keystore(loaded, NULL, &ca), CERTKIT_ERROR_ISSUER_NOT_CA);
  CHECK_ERR(certkit_ca_load_keystore(loaded, "root", &ca), CERTKIT_ERROR_INVALID_ARGUMENT);
  {
    CertkitKey* inter_key = NULL;
    CHECK_OK(certkit_ca_key(g_inter, &inter_key));
    CHECK_OK(certkit_keystore_set_key_entry_n(loaded, "intermediate-ca", 12, inter_key, chain));
    certkit_key_free(inter_key);
  }
  /* Two key entries: the alias must be named. */
  CHECK_ERR(certkit_ca_load_keystore(loaded, NULL, &ca), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_ca_load_keystore_n(loaded, "intermediate", 12, &ca));
  certkit_ca_free(ca);
  ca = NULL;
  CHECK_OK(certkit_keystore_delete(loaded, "node"));
  CHECK_ERR(certkit_keystore_delete(loaded, "node"), CERTKIT_ERROR_NOT_FOUND);
  CHECK_OK(certkit_keystore_delete_n(loaded, "intermediateZZZ", 12));
  CHECK_OK(certkit_keystore_new(&other));
  CHECK_OK(certkit_keystore_merge(other, loaded, 0));
  CHECK_ERR(certkit_keystore_merge(other, loaded, 0), CERTKIT_ERROR_ALREADY_EXISTS);
  CHECK_OK(certkit_keystore_merge(other, loaded, 1));
  CHECK_ERR(certkit_ca_load_keystore(other, NULL, &ca), CERTKIT_ERROR_NOT_FOUND);
  certkit_keystore_free(other);
  certkit_keystore_free(loaded);
  loaded = NULL;

  /* keytool: a JKS whose key password differs from the store password. */
  path_in_dir(path, sizeof(path), "keytool.jks");
  snprintf(command, sizeof(command),
           "keytool -genkeypair -noprompt -keyalg EC -groupname secp256r1 -validity 30 "
           "-alias driver -storetype JKS -keystore '%s' -storepass store-pw -keypass key-pw "
           "-dname 'CN=driver, OU=Drivers and Tools, O=DataStax Inc., C=US' >/dev/null 2>&1",
           path);
  CHECK(system(command) == 0);
  CHECK_OK(certkit_keystore_load_file(path, "store-pw", CERTKIT_STORE_AUTO, &loaded));
  CHECK_ERR(certkit_keystore_get_key(loaded, "driver", &key), CERTKIT_ERROR_BAD_KEY_PASSWORD);
  CHECK_ERR(certkit_keystore_unlock_key(loaded, "driver", "not-the-key-pw"),
            CERTKIT_ERROR_BAD_KEY_PASSWORD);
  CHECK_NO_SECRET("not-the-key-pw");
  CHECK_ERR(certkit_keystore_unlock_key(loaded, "driver", NULL), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_OK(certkit_keystore_unlock_key_n(loaded, "driverX", 6, "key-pwX", 6));
  CHECK_OK(certkit_keystore_get_key_n(loaded, "DRIVER", 6, &key));
  CHECK_OK(certkit_keystore_get_cert(loaded, "driver", &cert));
  CHECK_OK(certkit_cert_matches_key(cert, key, &matches));
  CHECK(matches == 1);
  certkit_cert_free(cert);
  certkit_key_free(key);
  key = NULL;
  certkit_keystore_free(loaded);
  loaded = NULL;
  CHECK(read_file(path, &bytes, &length));
  CHECK_ERR(certkit_keystore_load(bytes, length, "bad-store-pw", CERTKIT_STORE_JKS, &loaded),
            CERTKIT_ERROR_BAD_PASSWORD);
  CHECK_NO_SECRET("bad-store-pw");
  free(bytes);
  bytes = NULL;

  /* An import of a CA reply into a key entry. */
  CHECK_ERR(certkit_keystore_import_ca_reply(store, "absent", chain), CERTKIT_ERROR_NOT_FOUND);
  CHECK_ERR(certkit_keystore_import_ca_reply(store, "node", NULL), CERTKIT_ERROR_NULL_ARGUMENT);

  certkit_cert_list_free(chain);
  certkit_keystore_free(store);
  certkit_keystore_free(NULL);
  CHECK(strcmp(certkit_store_format_name(CERTKIT_STORE_PKCS12), "PKCS12") == 0);
}

/* ------------------------------------------------------------------------ */

static void test_ssl(void) {
  CertkitSsl* ssl = certkit_ssl_new();
  CertkitSsl* held = NULL;
  CertkitCa* other_root = NULL;
  CertkitCaOptions* options = NULL;
  CertkitName* subject = make_name("CN=other root");
  CertkitCert* ca_cert = NULL;
  CertkitKey* other_key = NULL;
  char* root_pem = NULL;
  char* inter_pem = NULL;
  char* other_pem = NULL;
  char* node_pem = NULL;
  char* key_pem = NULL;
  char* enc_key_pem = NULL;
  char* other_key_pem = NULL;
  char bundle[16384];
  uint8_t* der = NULL;
  uint8_t* inter_der = NULL;
  size_t der_length = 0, inter_der_length = 0;
  const uint8_t* ders[2];
  size_t lengths[2];

  CHECK(ssl != NULL);
  CHECK(certkit_ssl_get_verify_flags(ssl) == CERTKIT_SSL_VERIFY_PEER_CERT);
  CHECK(certkit_ssl_get_verify_flags(NULL) == CERTKIT_SSL_VERIFY_NONE);
  certkit_ssl_set_verify_flags(NULL, 0); /* ignored */

  CHECK_OK(certkit_ca_certificate(g_root, &ca_cert));
  CHECK_OK(certkit_cert_to_pem(ca_cert, &root_pem, NULL));
  certkit_cert_free(ca_cert);
  CHECK_OK(certkit_ca_certificate(g_inter, &ca_cert));
  CHECK_OK(certkit_cert_to_pem(ca_cert, &inter_pem, NULL));
  CHECK_OK(certkit_cert_to_der(ca_cert, &inter_der, &inter_der_length));
  certkit_cert_free(ca_cert);
  CHECK_OK(certkit_ca_options_new(&options));
  CHECK_OK(certkit_ca_options_set_subject(options, subject));
  CHECK_OK(certkit_ca_create_root(options, &other_root));
  CHECK_OK(certkit_ca_certificate(other_root, &ca_cert));
  CHECK_OK(certkit_cert_to_pem(ca_cert, &other_pem, NULL));
  certkit_cert_free(ca_cert);
  CHECK_OK(certkit_cert_to_pem(g_node_cert, &node_pem, NULL));
  CHECK_OK(certkit_cert_to_der(g_node_cert, &der, &der_length));
  CHECK_OK(certkit_key_to_pem(g_node_key, CERTKIT_KEY_FORMAT_TRADITIONAL, &key_pem, NULL));
  CHECK_OK(certkit_key_to_encrypted_pem(g_node_key, "key-secret", &enc_key_pem, NULL));
  CHECK_OK(certkit_key_generate("ec:p256", &other_key));
  CHECK_OK(certkit_key_to_pem(other_key, CERTKIT_KEY_FORMAT_PKCS8, &other_key_pem, NULL));

  /* Verifying needs trust anchors. */
  ders[0] = der;
  lengths[0] = der_length;
  ders[1] = inter_der;
  lengths[1] = inter_der_length;
  CHECK_ERR(certkit_ssl_verify_peer(ssl, ders, lengths, 2, NULL), CERTKIT_ERROR_UNKNOWN_ISSUER);

  /* Trusted certificates: every certificate of a bundle, calls accumulate. */
  CHECK_ERR(certkit_ssl_add_trusted_cert(ssl, "no certificate here"), CERTKIT_ERROR_MALFORMED);
  CHECK_ERR(certkit_ssl_add_trusted_cert(NULL, root_pem), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_ERR(certkit_ssl_add_trusted_cert(ssl, NULL), CERTKIT_ERROR_NULL_ARGUMENT);
  snprintf(bundle, sizeof(bundle), "%s%s", other_pem, root_pem);
  CHECK_OK(certkit_ssl_add_trusted_cert_n(ssl, bundle, strlen(other_pem) + strlen(root_pem)));
  CHECK_OK(certkit_ssl_verify_peer(ssl, ders, lengths, 2, NULL));
  /* Without the intermediate the chain does not build. */
  CHECK_ERR(certkit_ssl_verify_peer(ssl, ders, lengths, 1, NULL), CERTKIT_ERROR_UNKNOWN_ISSUER);
  CHECK_ERR(certkit_ssl_verify_peer(ssl, ders, lengths, 0, NULL), CERTKIT_ERROR_TLS_HANDSHAKE);
  CHECK_ERR(certkit_ssl_verify_peer(ssl, NULL, lengths, 2, NULL), CERTKIT_ERROR_NULL_ARGUMENT);
  lengths[0] = 10;
  CHECK_ERR(certkit_ssl_verify_peer(ssl, ders, lengths, 2, NULL), CERTKIT_ERROR_MALFORMED);
  lengths[0] = der_length;

  /* Identity. */
  certkit_ssl_set_verify_flags(ssl, CERTKIT_SSL_VERIFY_PEER_CERT | CERTKIT_SSL_VERIFY_PEER_IDENTITY);
  CHECK_OK(certkit_ssl_verify_peer(ssl, ders, lengths, 2, "127.0.0.1"));
  CHECK_ERR(certkit_ssl_verify_peer(ssl, ders, lengths, 2, "127.0.0.2"),
            CERTKIT_ERROR_IDENTITY_MISMATCH);
  CHECK_ERR(certkit_ssl_verify_peer(ssl, ders, lengths, 2, NULL), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_ssl_verify_peer_n(ssl, ders, lengths, 2, "127.0.0.1:9042", 9));
  certkit_ssl_set_verify_flags(ssl, CERTKIT_SSL_VERIFY_PEER_IDENTITY_DNS);
  CHECK_OK(certkit_ssl_verify_peer(ssl, ders, lengths, 2, "localhost"));
  CHECK_ERR(certkit_ssl_verify_peer(ssl, ders, lengths, 2, "other.example"),
            CERTKIT_ERROR_IDENTITY_MISMATCH);
  /* Identity checks never skip the chain check. */
  CHECK_ERR(certkit_ssl_verify_peer(ssl, ders, lengths, 1, "localhost"),
            CERTKIT_ERROR_UNKNOWN_ISSUER);
  certkit_ssl_set_verify_flags(ssl, CERTKIT_SSL_VERIFY_NONE);
  CHECK_OK(certkit_ssl_verify_peer(ssl, ders, lengths, 1, NULL));
  certkit_ssl_set_verify_flags(ssl, CERTKIT_SSL_VERIFY_PEER_CERT);

  /* Own certificate and key. */
  snprintf(bundle, sizeof(bundle), "%s%s", node_pem, inter_pem);
  CHECK_OK(certkit_ssl_set_cert(ssl, bundle));
  CHECK_ERR(certkit_ssl_set_private_key(ssl, other_key_pem, NULL), CERTKIT_ERROR_KEY_MISMATCH);
  CHECK_ERR(certkit_ssl_set_private_key(ssl, enc_key_pem, NULL), CERTKIT_ERROR_BAD_PASSWORD);
  CHECK_ERR(certkit_ssl_set_private_key(ssl, enc_key_pem, "wrong-secret"),
            CERTKIT_ERROR_BAD_PASSWORD);
  CHECK_NO_SECRET("wrong-secret");
  CHECK_ERR(certkit_ssl_set_private_key_n(ssl, enc_key_pem, strlen(enc_key_pem), "key-secretX",
                                          11),
            CERTKIT_ERROR_BAD_PASSWORD);
  CHECK_OK(certkit_ssl_set_private_key_n(ssl, enc_key_pem, strlen(enc_key_pem), "key-secretX",
                                         10));
  CHECK_OK(certkit_ssl_set_private_key(ssl, key_pem, NULL));
  CHECK_ERR(certkit_ssl_set_cert(ssl, other_pem), CERTKIT_ERROR_KEY_MISMATCH);
  CHECK_ERR(certkit_ssl_set_cert_n(ssl, node_pem, 20), CERTKIT_ERROR_MALFORMED);

  /* Protocol versions. */
  CHECK_ERR(certkit_ssl_set_min_protocol_version(ssl, 0x0301), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_ssl_set_min_protocol_version(ssl, CERTKIT_SSL_VERSION_TLS1_3));
  CHECK_ERR(certkit_ssl_set_max_protocol_version(ssl, CERTKIT_SSL_VERSION_TLS1_2),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_ssl_set_min_protocol_version(ssl, CERTKIT_SSL_VERSION_DEFAULT));
  CHECK_OK(certkit_ssl_set_max_protocol_version(ssl, CERTKIT_SSL_VERSION_TLS1_2));

  /* Key stores for the shim. */
  {
    CertkitKeystore* store = NULL;
    CertkitCertList* chain = NULL;
    uint8_t* bytes = NULL;
    size_t length = 0;
    CHECK_OK(certkit_keystore_new(&store));
    CHECK_OK(certkit_cert_list_parse(bundle, &chain));
    CHECK_OK(certkit_keystore_set_key_entry(store, "node", g_node_key, chain));
    CHECK_OK(certkit_keystore_save(store, CERTKIT_STORE_PKCS12, "ks-pass", 0, &bytes, &length));
    CHECK_OK(certkit_ssl_set_keystore(ssl, bytes, length, "ks-pass", NULL, NULL));
    CHECK_OK(certkit_ssl_set_keystore_n(ssl, bytes, length, "ks-passXX", 7, NULL, 0, "nodeX", 4));
    CHECK_ERR(certkit_ssl_set_keystore(ssl, bytes, length, "ks-wrong", NULL, NULL),
              CERTKIT_ERROR_BAD_PASSWORD);
    CHECK_ERR(certkit_ssl_set_keystore(ssl, bytes, length, "ks-pass", NULL, "absent"),
              CERTKIT_ERROR_NOT_FOUND);
    /* A key store with only key entries still trusts their certificates. */
    CHECK_OK(certkit_ssl_add_trusted_keystore(ssl, bytes, length, "ks-pass"));
    CHECK_ERR(certkit_ssl_add_trusted_keystore_n(ssl, bytes, length, "ks-passXX", 9),
              CERTKIT_ERROR_BAD_PASSWORD);
    certkit_buffer_free(bytes);
    certkit_keystore_free(store);
    CHECK_OK(certkit_keystore_new(&store));
    CHECK_OK(certkit_keystore_save(store, CERTKIT_STORE_JKS, "empty", 0, &bytes, &length));
    CHECK_ERR(certkit_ssl_add_trusted_keystore(ssl, bytes, length, "empty"),
              CERTKIT_ERROR_NOT_FOUND);
    CHECK_ERR(certkit_ssl_set_keystore(ssl, bytes, length, "empty", NULL, NULL),
              CERTKIT_ERROR_NOT_FOUND);
    certkit_buffer_free(bytes);
    certkit_keystore_free(store);
    certkit_cert_list_free(chain);
  }

  /* Reference counting: a holder keeps the object alive after the user's free. */
  held = certkit_ssl_ref(ssl);
  CHECK(held == ssl);
  certkit_ssl_free(ssl);
  CHECK_OK(certkit_ssl_verify_peer(held, ders, lengths, 2, NULL));
  certkit_ssl_free(held);
  certkit_ssl_free(NULL);
  CHECK(certkit_ssl_ref(NULL) == NULL);

  certkit_buffer_free(root_pem);
  certkit_buffer_free(inter_pem);
  certkit_buffer_free(other_pem);
  certkit_buffer_free(node_pem);
  certkit_buffer_free(key_pem);
  certkit_buffer_free(enc_key_pem);
  certkit_buffer_free(other_key_pem);
  certkit_buffer_free(der);
  certkit_buffer_free(inter_der);
  certkit_key_free(other_key);
  certkit_ca_free(other_root);
  certkit_ca_options_free(options);
  certkit_name_free(subject);
}

/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */

/* write_text writes |text| to |path|; returns 1 on success. */
static int write_text(const char* path, const char* text) {
  FILE* f = fopen(path, "w");
  int ok;
  if (f == NULL) return 0;
  ok = fputs(text, f) >= 0;
  return fclose(f) == 0 && ok;
}

/* Progress callback: records the reports; cancels once |done| reaches
 * *(size_t*)user when that is nonzero. */
static size_t g_progress_calls, g_progress_last, g_progress_total;
static int batch_progress(size_t done, size_t total, void* user) {
  size_t cancel_at = *(const size_t*)user;
  g_progress_calls++;
  if (done != g_progress_last + 1) g_failures++; /* rises by one per call */
  g_progress_last = done;
  g_progress_total = total;
  return cancel_at != 0 && done >= cancel_at;
}

/* Batch issuance: good items are issued (openssl verifies each against the
 * root), bad ones fail alone with precise codes, progress and cancellation. */
static void test_batch(void) {
  CertkitBatch* batch = NULL;
  CertkitProfile* profile = NULL;
  CertkitIssueOptions* issue = NULL;
  CertkitIssueOptions* no_subject = NULL;
  CertkitName* subject = make_name("CN=batch node, O=certkit");
  CertkitName* csr_subject = make_name("CN=batch csr");
  CertkitKey* own = NULL;
  CertkitKey* key = NULL;
  CertkitCsr* csr = NULL;
  CertkitCsr* broken = NULL;
  CertkitCert* cert = NULL;
  CertkitCert* root_cert = NULL;
  CertkitError code;
  char* text = NULL;
  char* pem = NULL;
  uint8_t* der = NULL;
  size_t length = 0, i, cancel_at = 0;
  int matches = -1;
  char path[512], root_path[512], file_name[32], command[1400];

  CHECK_ERR(certkit_batch_new(NULL, &batch), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_OK(certkit_batch_new(g_root, &batch));
  CHECK_OK(certkit_profile_new("node", &profile));
  CHECK_OK(certkit_issue_options_new(&issue));
  CHECK_OK(certkit_issue_options_set_subject(issue, subject));
  CHECK_OK(certkit_issue_options_add_sans(issue, "DNS:db.example.com,IP:10.0.0.7"));
  CHECK_OK(certkit_issue_options_new(&no_subject));
  CHECK_OK(certkit_key_generate("ec:p256", &own));
  CHECK_OK(certkit_csr_create(csr_subject, "DNS:csr.example.com", own, &csr));
  CHECK_OK(certkit_csr_to_der(csr, &der, &length));
  der[length - 5] ^= 0x01; /* inside the signature value */
  CHECK_OK(certkit_csr_from_der(der, length, &broken));
  certkit_buffer_free(der);

  /* Items 0-3 fresh keys, 4 a public key, 5 the CSR, 6 the broken CSR, 7 a
   * public key without a subject, 8 a fresh Ed25519 key. */
  for (i = 0; i < 4; i++) CHECK_OK(certkit_batch_add_new_key(batch, "ec:p256", profile, issue));
  CHECK_OK(certkit_key_public_pem(own, &pem, NULL));
  CHECK_OK(certkit_batch_add_public_key_pem(batch, pem, profile, issue));
  certkit_buffer_free(pem);
  CHECK_OK(certkit_batch_add_csr(batch, csr, profile, NULL));
  CHECK_OK(certkit_batch_add_csr(batch, broken, profile, NULL));
  CHECK_OK(certkit_batch_add_key(batch, own, profile, no_subject));
  CHECK_OK(certkit_batch_add_new_key_n(batch, "ed25519xx", 7, profile, issue));
  CHECK_ERR(certkit_batch_add_new_key(batch, "ec:p999", profile, issue),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_ERR(certkit_batch_add_public_key_pem(batch, "not a key", profile, issue),
            CERTKIT_ERROR_MALFORMED);
  CHECK_ERR(certkit_batch_add_csr(batch, csr, NULL, issue), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK(certkit_batch_size(batch) == 9);
  CHECK(certkit_batch_size(NULL) == 0);
  CHECK_ERR(certkit_batch_item_cert(batch, 0, &cert), CERTKIT_ERROR_INVALID_ARGUMENT); /* not run */
  CHECK_ERR(certkit_batch_run(batch, -1, NULL, NULL), CERTKIT_ERROR_INVALID_ARGUMENT);

  g_progress_calls = g_progress_last = 0;
  CHECK_OK(certkit_batch_run(batch, 3, batch_progress, &cancel_at));
  CHECK(g_progress_calls == 9 && g_progress_last == 9 && g_progress_total == 9);

  CHECK_OK(certkit_batch_item_error(batch, 6, &code, &text, &length));
  CHECK(code == CERTKIT_ERROR_BAD_SIGNATURE);
  CHECK(length > 0 && strlen(text) == length);
  certkit_buffer_free(text);
  CHECK_ERR(certkit_batch_item_cert(batch, 6, &cert), CERTKIT_ERROR_BAD_SIGNATURE);
  CHECK_OK(certkit_batch_item_error(batch, 7, &code, NULL, NULL));
  CHECK(code == CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_ERR(certkit_batch_item_error(batch, 9, &code, NULL, NULL), CERTKIT_ERROR_LIMIT_EXCEEDED);
  CHECK_ERR(certkit_batch_item_key(batch, 4, &key), CERTKIT_ERROR_NOT_FOUND);

  CHECK_OK(certkit_ca_certificate(g_root, &root_cert));
  CHECK_OK(certkit_cert_to_pem(root_cert, &pem, NULL));
  path_in_dir(root_path, sizeof(root_path), "batch-root.pem");
  CHECK(write_text(root_path, pem));
  certkit_buffer_free(pem);
  for (i = 0; i < 9; i++) {
    if (i == 6 || i == 7) continue;
    CHECK_OK(certkit_batch_item_error(batch, i, &code, &text, NULL));
    CHECK(code == CERTKIT_OK && text[0] == '\0');
    certkit_buffer_free(text);
    cert = NULL;
    CHECK_OK(certkit_batch_item_cert(batch, i, &cert));
    if (cert == NULL) continue;
    if (i < 4 || i == 8) {
      CHECK_OK(certkit_batch_item_key(batch, i, &key));
      CHECK_OK(certkit_cert_matches_key(cert, key, &matches));
      CHECK(matches == 1);
      certkit_key_free(key);
    } else {
      CHECK_OK(certkit_cert_matches_key(cert, own, &matches));
      CHECK(matches == 1);
    }
    CHECK_OK(certkit_cert_to_pem(cert, &pem, NULL));
    snprintf(file_name, sizeof(file_name), "batch-%u.pem", (unsigned)i);
    path_in_dir(path, sizeof(path), file_name);
    CHECK(write_text(path, pem));
    certkit_buffer_free(pem);
    certkit_cert_free(cert);
    snprintf(command, sizeof(command),
             "openssl verify -purpose sslserver -CAfile '%s' '%s' >/dev/null", root_path, path);
    CHECK(system(command) == 0);
  }

  /* Cancelled after two reports: the run says so, the tail is CANCELLED. */
  for (i = 0; i < 30; i++) CHECK_OK(certkit_batch_add_new_key(batch, "ec:p256", profile, issue));
  cancel_at = 2;
  g_progress_calls = g_progress_last = 0;
  CHECK_ERR(certkit_batch_run(batch, 2, batch_progress, &cancel_at), CERTKIT_ERROR_CANCELLED);
  CHECK(g_progress_calls == 2);
  CHECK_OK(certkit_batch_item_error(batch, 38, &code, NULL, NULL));
  CHECK(code == CERTKIT_ERROR_CANCELLED);
  CHECK_ERR(certkit_batch_item_cert(batch, 38, &cert), CERTKIT_ERROR_CANCELLED);

  certkit_batch_free(batch);
  certkit_batch_free(NULL);
  certkit_cert_free(root_cert);
  certkit_csr_free(csr);
  certkit_csr_free(broken);
  certkit_key_free(own);
  certkit_name_free(subject);
  certkit_name_free(csr_subject);
  certkit_issue_options_free(issue);
  certkit_issue_options_free(no_subject);
  certkit_profile_free(profile);
}

/* Cluster issuance: init/add/renew through the C ABI; openssl verifies the
 * node certificates and keytool lists the JKS key store. */
static void test_cluster(void) {
  CertkitClusterOptions* options = NULL;
  CertkitClusterOptions* more = NULL;
  char dir[300], path[400], ca_path[400], command[1200];
  char* manifest = NULL;
  char* renewed = NULL;
  size_t length = 0, cancel_at = 0;

  path_in_dir(dir, sizeof(dir), "cluster");
  CHECK_OK(certkit_cluster_options_new(&options));
  CHECK_ERR(certkit_cluster_options_set_formats(options, "pem,zip"), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(certkit_last_error_message(), "zip") != NULL);
  CHECK_OK(certkit_cluster_options_set_formats(options, "pem, JKS"));
  /* A SPIFFE ID template is checked when set (the Python and Go binding
   * tests check the URI SANs it gives). */
  CHECK_ERR(certkit_cluster_options_set_spiffe_id(NULL, "spiffe://a/{name}"), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_ERR(certkit_cluster_options_set_spiffe_id(options, NULL), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_ERR(certkit_cluster_options_set_spiffe_id(options, "spiffe://Upper.example/{name}"),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(certkit_last_error_message(), "trust domain") != NULL);
  CHECK_ERR(certkit_cluster_options_set_jobs(options, -2), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_cluster_options_set_jobs(options, 2));
  CHECK_OK(certkit_cluster_options_add_node(options, "10.0.0.1"));
  CHECK_OK(certkit_cluster_options_add_node_n(options, "db2.example.comXX", 15));
  CHECK_OK(certkit_cluster_options_add_client(options, "app"));
  CHECK_ERR(certkit_cluster_options_set_key_spec(options, "dsa"), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_OK(certkit_cluster_options_set_key_spec(options, "ec:p256"));
  /* Key stores need a password; nothing is written without one. */
  CHECK_ERR(certkit_cluster_init(options, dir, &manifest, NULL), CERTKIT_ERROR_BAD_PASSWORD);
  CHECK(access(dir, F_OK) != 0);
  CHECK_OK(certkit_cluster_options_set_store_password(options, "cluster-pw-1"));
  CHECK_OK(certkit_cluster_options_set_progress(options, batch_progress, &cancel_at));
  g_progress_calls = g_progress_last = 0;
  CHECK_ERR(certkit_cluster_init(NULL, dir, &manifest, NULL), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_OK(certkit_cluster_init(options, dir, &manifest, &length));
  CHECK(g_progress_calls == 3 && g_progress_total == 3);
  CHECK(manifest != NULL && strlen(manifest) == length);
  CHECK(manifest != NULL && strstr(manifest, "db2.example.com") != NULL);
  CHECK(manifest != NULL && strstr(manifest, "cluster-pw-1") == NULL);
  certkit_buffer_free(manifest);
  CHECK_ERR(certkit_cluster_init(options, dir, &manifest, NULL), CERTKIT_ERROR_ALREADY_EXISTS);

  snprintf(ca_path, sizeof(ca_path), "%s/ca.crt", dir);
  snprintf(path, sizeof(path), "%s/nodes/db2.example.com/node.crt", dir);
  snprintf(command, sizeof(command),
           "openssl verify -purpose sslserver -verify_hostname db2.example.com -CAfile '%s' '%s' "
           ">/dev/null",
           ca_path, path);
  CHECK(system(command) == 0);
  snprintf(path, sizeof(path), "%s/clients/app/client.app.crt", dir);
  snprintf(command, sizeof(command),
           "openssl verify -purpose sslclient -CAfile '%s' '%s' >/dev/null", ca_path, path);
  CHECK(system(command) == 0);
  snprintf(command, sizeof(command),
           "keytool -list -keystore '%s/nodes/10.0.0.1/keystore.jks' -storepass cluster-pw-1 "
           "2>&1 | grep -q PrivateKeyEntry",
           dir);
  CHECK(system(command) == 0);

  /* add: a new node with the cluster's CA and settings. */
  CHECK_OK(certkit_cluster_options_new(&more));
  CHECK_OK(certkit_cluster_options_add_node(more, "10.0.0.3"));
  CHECK_ERR(certkit_cluster_add(more, dir, &manifest, NULL), CERTKIT_ERROR_BAD_PASSWORD);
  CHECK_OK(certkit_cluster_options_set_store_password(more, "cluster-pw-1"));
  manifest = NULL;
  CHECK_OK(certkit_cluster_add(more, dir, &manifest, NULL));
  CHECK(manifest != NULL && strstr(manifest, "10.0.0.3") != NULL);
  certkit_buffer_free(manifest);
  CHECK_ERR(certkit_cluster_add(more, dir, &manifest, NULL), CERTKIT_ERROR_ALREADY_EXISTS);
  snprintf(path, sizeof(path), "%s/nodes/10.0.0.3/node.crt", dir);
  snprintf(command, sizeof(command),
           "openssl verify -purpose sslserver -verify_ip 10.0.0.3 -CAfile '%s' '%s' >/dev/null",
           ca_path, path);
  CHECK(system(command) == 0);

  /* renew: nothing within a minute, everything within 100 years. */
  renewed = NULL;
  CHECK_OK(certkit_cluster_renew(more, dir, 60, &manifest, NULL, &renewed));
  CHECK(renewed != NULL && strcmp(renewed, "[]") == 0);
  certkit_buffer_free(manifest);
  certkit_buffer_free(renewed);
  renewed = NULL;
  CHECK_OK(certkit_cluster_renew(more, dir, (int64_t)100 * 366 * 86400, &manifest, NULL,
                                 &renewed));
  CHECK(renewed != NULL && strcmp(renewed, "[\"10.0.0.1\",\"db2.example.com\",\"10.0.0.3\",\"app\"]") == 0);
  certkit_buffer_free(manifest);
  certkit_buffer_free(renewed);
  CHECK(system(command) == 0);
  CHECK_ERR(certkit_cluster_renew(more, dir, -1, &manifest, NULL, NULL),
            CERTKIT_ERROR_INVALID_ARGUMENT);

  /* A progress callback that cancels: CANCELLED, no manifest written. */
  path_in_dir(dir, sizeof(dir), "cancelled");
  cancel_at = 1;
  g_progress_calls = g_progress_last = 0;
  CHECK_ERR(certkit_cluster_init(options, dir, &manifest, NULL), CERTKIT_ERROR_CANCELLED);
  CHECK(g_progress_calls == 1);
  snprintf(path, sizeof(path), "%s/manifest.json", dir);
  CHECK(access(path, F_OK) != 0);

  certkit_cluster_options_free(options);
  certkit_cluster_options_free(more);
  certkit_cluster_options_free(NULL);
}

/* rotate_ok runs |stage| (NULL: the next one) on the cluster in |dir| and
 * checks that the result JSON names |want_stage| and holds |expect|. */
static void rotate_ok(const CertkitClusterOptions* options, const char* dir, const char* stage,
                      const char* want_stage, const char* expect) {
  char* result = NULL;
  size_t length = 0;
  char stage_field[64];

  snprintf(stage_field, sizeof(stage_field), "\"stage\":\"%s\"", want_stage);
  CHECK_OK(certkit_cluster_rotate_ca(options, dir, stage, &result, &length));
  CHECK(result != NULL && strlen(result) == length);
  CHECK(result != NULL && strstr(result, stage_field) != NULL);
  CHECK(result != NULL && strstr(result, expect) != NULL);
  CHECK(result != NULL && strstr(result, "\"manifest\":{") != NULL);
  CHECK(result != NULL && strstr(result, "rotate-pw-1") == NULL);
  if (result == NULL || strstr(result, expect) == NULL) {
    fprintf(stderr, "rotate %s: %s\n", want_stage, result != NULL ? result : "(null)");
  }
  certkit_buffer_free(result);
}

/* written_path copies into |out| the path of the first file a rotation
 * result JSON lists as |what| ("" when none). */
static void written_path(const char* result, const char* what, char* out, size_t size) {
  char needle[100];
  const char* end;
  const char* start = NULL;
  const char* p;

  out[0] = 0;
  snprintf(needle, sizeof(needle), "\",\"what\":\"%s\"}", what);
  end = strstr(result, needle);
  if (end == NULL) return;
  for (p = result; p < end; p++) {
    if (strncmp(p, "{\"path\":\"", 9) == 0) start = p + 9;
  }
  if (start != NULL && (size_t)(end - start) < size) {
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = 0;
  }
}

/* verify_node runs `openssl verify` on node |host|'s certificate against
 * |ca_file| (a shell word, may be a glob); returns its exit status. */
static int verify_node(const char* dir, const char* host, const char* ca_file) {
  char command[1200];
  snprintf(command, sizeof(command),
           "openssl verify -purpose sslserver -CAfile %s '%s/nodes/%s/node.crt' >/dev/null 2>&1",
           ca_file, dir, host);
  return system(command);
}

/* trusted_entries counts the trustedCertEntry lines `keytool -list` prints
 * for the JKS store |store| of the rotation test's cluster in |dir|
 * (-1 when keytool fails). */
static int trusted_entries(const char* dir, const char* store) {
  char command[1000];
  FILE* out;
  int count = -1;

  snprintf(command, sizeof(command),
           "keytool -list -keystore '%s/%s' -storepass rotate-pw-1 2>&1 | grep -c trustedCertEntry",
           dir, store);
  out = popen(command, "r");
  if (out == NULL) return -1;
  if (fscanf(out, "%d", &count) != 1) count = -1;
  pclose(out);
  return count;
}

/* CA rotation through the C ABI, all four stages on a 2-node P-256
 * PEM+JKS cluster: keytool lists both CAs in a trust store after
 * trust-both, openssl verifies each re-issued node certificate against the
 * new CA alone, and the final ca.crt holds the new CA only. */
static void test_cluster_rotation(void) {
  CertkitClusterOptions* options = NULL;
  char dir[300], new_ca[400], old_ca[400], command[1200];
  char* manifest = NULL;
  char* result = NULL;

  path_in_dir(dir, sizeof(dir), "rotation");
  CHECK_OK(certkit_cluster_options_new(&options));
  CHECK_OK(certkit_cluster_options_add_node(options, "10.0.0.1"));
  CHECK_OK(certkit_cluster_options_add_node(options, "db2.example.com"));
  CHECK_OK(certkit_cluster_options_set_key_spec(options, "ec:p256"));
  CHECK_OK(certkit_cluster_options_set_formats(options, "pem,jks"));
  CHECK_OK(certkit_cluster_options_set_store_password(options, "rotate-pw-1"));
  CHECK_OK(certkit_cluster_init(options, dir, &manifest, NULL));
  certkit_buffer_free(manifest);
  snprintf(old_ca, sizeof(old_ca), "%s/old-ca.pem", g_dir);
  snprintf(command, sizeof(command), "cp '%s/ca.crt' '%s'", dir, old_ca);
  CHECK(system(command) == 0);

  /* Input checks: NULLs, an unknown stage, a stage out of order. */
  CHECK_ERR(certkit_cluster_rotate_ca(NULL, dir, NULL, &result, NULL), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_ERR(certkit_cluster_rotate_ca(options, NULL, NULL, &result, NULL),
            CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_ERR(certkit_cluster_rotate_ca(options, dir, NULL, NULL, NULL), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_ERR(certkit_cluster_rotate_ca(options, dir, "retire", &result, NULL),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(certkit_last_error_message(), "retire-old") != NULL);
  CHECK_ERR(certkit_cluster_rotate_ca(options, dir, "reissue", &result, NULL),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(certkit_last_error_message(), "new-ca") != NULL);
  /* No stage and no rotation in progress: a new one starts only when named. */
  CHECK_ERR(certkit_cluster_rotate_ca(options, dir, NULL, &result, NULL),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(certkit_last_error_message(), "no CA rotation is in progress") != NULL);
  CHECK_ERR(certkit_cluster_options_set_ca_key_spec(options, "dsa"),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_ERR(certkit_cluster_options_set_ca_days(options, -1), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK_ERR(certkit_cluster_options_add_reissue_only(options, NULL), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_ERR(certkit_cluster_options_set_cross_sign(NULL, 1), CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK_OK(certkit_cluster_options_set_ca_key_spec(options, "ec:p384"));
  CHECK_OK(certkit_cluster_options_set_ca_days(options, 400));

  CHECK_OK(certkit_cluster_rotate_ca(options, dir, "new-ca", &result, NULL));
  CHECK(result != NULL && strstr(result, "\"next_stage\":\"trust-both\"") != NULL);
  CHECK(result != NULL && strstr(result, "\"changed\":true") != NULL);
  new_ca[0] = '\'';
  written_path(result != NULL ? result : "", "CA certificate", new_ca + 1, sizeof(new_ca) - 2);
  strcat(new_ca, "'");
  CHECK(strstr(new_ca, "/ca-") != NULL);
  certkit_buffer_free(result);
  rotate_ok(options, dir, "new-ca", "new-ca", "\"changed\":false");
  snprintf(command, sizeof(command),
           "openssl x509 -in %s -noout -text | grep -q 'NIST CURVE: P-384'", new_ca);
  CHECK(system(command) == 0);
  /* The nodes still present the old CA's certificates. */
  CHECK(verify_node(dir, "10.0.0.1", new_ca) != 0);

  rotate_ok(options, dir, NULL, "trust-both", "truststore.jks");
  /* The shared trust store and each node's key store trust both CAs. */
  CHECK(trusted_entries(dir, "truststore.jks") == 2);
  CHECK(trusted_entries(dir, "nodes/10.0.0.1/keystore.jks") == 2);

  /* retire-old before reissue: INVALID_ARGUMENT naming the leaves. */
  CHECK_ERR(certkit_cluster_rotate_ca(options, dir, "retire-old", &result, NULL),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(certkit_last_error_message(), "10.0.0.1") != NULL);
  CHECK(strstr(certkit_last_error_message(), "db2.example.com") != NULL);

  /* reissue one node, then the rest. */
  CHECK_OK(certkit_cluster_options_add_reissue_only(options, "10.0.0.1"));
  rotate_ok(options, dir, "reissue", "reissue", "\"reissued\":[\"10.0.0.1\"]");
  rotate_ok(options, dir, "reissue", "reissue", "\"finished\":false");
  CHECK(verify_node(dir, "10.0.0.1", new_ca) == 0);
  CHECK(verify_node(dir, "db2.example.com", new_ca) != 0);
  certkit_cluster_options_free(options);
  CHECK_OK(certkit_cluster_options_new(&options));
  CHECK_OK(certkit_cluster_options_set_store_password(options, "rotate-pw-1"));
  CHECK_OK(certkit_cluster_options_add_reissue_only(options, "nosuchnode"));
  CHECK_ERR(certkit_cluster_rotate_ca(options, dir, "reissue", &result, NULL),
            CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(certkit_last_error_message(), "nosuchnode") != NULL);
  certkit_cluster_options_free(options);
  CHECK_OK(certkit_cluster_options_new(&options));
  CHECK_OK(certkit_cluster_options_set_store_password(options, "rotate-pw-1"));
  rotate_ok(options, dir, "reissue", "reissue", "\"reissued\":[\"db2.example.com\"]");
  CHECK(verify_node(dir, "10.0.0.1", new_ca) == 0);
  CHECK(verify_node(dir, "db2.example.com", new_ca) == 0);

  rotate_ok(options, dir, NULL, "retire-old", "\"finished\":true");
  snprintf(command, sizeof(command), "test \"$(grep -c 'BEGIN CERTIFICATE' '%s/ca.crt')\" = 1 && "
           "cmp -s '%s/ca.crt' %s", dir, dir, new_ca);
  CHECK(system(command) == 0);
  snprintf(command, sizeof(command), "'%s/ca.crt'", dir);
  CHECK(verify_node(dir, "db2.example.com", command) == 0);
  CHECK(trusted_entries(dir, "truststore.jks") == 1);
  CHECK(trusted_entries(dir, "nodes/db2.example.com/keystore.jks") == 1);
  /* The old CA verifies against itself but no longer against the bundle. */
  snprintf(command, sizeof(command),
           "openssl verify -CAfile '%s' '%s' >/dev/null 2>&1", old_ca, old_ca);
  CHECK(system(command) == 0);
  snprintf(command, sizeof(command),
           "openssl verify -CAfile '%s/ca.crt' '%s' >/dev/null 2>&1", dir, old_ca);
  CHECK(system(command) != 0);
  certkit_cluster_options_free(options);
}

/* formats "k8s": init and add write the Kubernetes manifests (their
 * content is checked against the Kubernetes schemas, openssl and keytool by
 * tests/cli/k8s_manifests_test.py, through the same library code). */
static void test_cluster_k8s(void) {
  CertkitClusterOptions* options = NULL;
  char dir[300], path[400], command[1400];
  char* manifest = NULL;
  struct stat st;

  path_in_dir(dir, sizeof(dir), "k8s-cluster");
  CHECK_OK(certkit_cluster_options_new(&options));
  CHECK_OK(certkit_cluster_options_set_formats(options, "pem,jks,k8s"));
  CHECK_OK(certkit_cluster_options_add_node(options, "db1.example.com"));
  CHECK_OK(certkit_cluster_options_add_client(options, "App_1"));
  CHECK_OK(certkit_cluster_options_set_store_password(options, "k8s-pw-1"));
  CHECK_OK(certkit_cluster_init(options, dir, &manifest, NULL));
  CHECK(manifest != NULL && strstr(manifest, "\"k8s\"") != NULL);
  certkit_buffer_free(manifest);
  snprintf(path, sizeof(path), "%s/k8s/node-db1.example.com.yaml", dir);
  CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
  snprintf(command, sizeof(command),
           "grep -q '^type: \"kubernetes.io/tls\"' '%s' && grep -q '^  keystore.jks: ' '%s' && "
           "grep -q '^  password: ' '%s/k8s/client-app-1-store-password.yaml'",
           path, path, dir);
  CHECK(system(command) == 0);
  certkit_cluster_options_free(options);
  /* add: the new node's Secret is written with the others. */
  CHECK_OK(certkit_cluster_options_new(&options));
  CHECK_OK(certkit_cluster_options_add_node(options, "10.0.0.7"));
  CHECK_OK(certkit_cluster_options_set_store_password(options, "k8s-pw-1"));
  manifest = NULL;
  CHECK_OK(certkit_cluster_add(options, dir, &manifest, NULL));
  certkit_buffer_free(manifest);
  snprintf(path, sizeof(path), "%s/k8s/node-10.0.0.7.yaml", dir);
  CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
  certkit_cluster_options_free(options);
  /* A client whose name makes no Kubernetes name is refused, nothing written. */
  CHECK_OK(certkit_cluster_options_new(&options));
  CHECK_OK(certkit_cluster_options_set_store_password(options, "k8s-pw-1"));
  CHECK_OK(certkit_cluster_options_add_client(options, "bad$name"));
  CHECK_ERR(certkit_cluster_add(options, dir, &manifest, NULL), CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(certkit_last_error_message(), "Kubernetes") != NULL);
  snprintf(path, sizeof(path), "%s/clients/bad$name", dir);
  CHECK(access(path, F_OK) != 0);
  certkit_cluster_options_free(options);
}

int main(void) {
  /* Codes the C API cannot produce from valid use: NAME_CONSTRAINTS and
   * POLICY_VIOLATION need certificates certkit refuses to issue (covered by
   * tests/verify), TLS_HANDSHAKE failures of real connections are covered by
   * capi_tls_test, INTERNAL and OUT_OF_MEMORY are not reachable on purpose. */
  static const int kCovered[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 20, 21, 22, 23,
                                 24, 25, 26, 27, 40, 100};
  size_t i;
  char template_dir[] = "/tmp/certkit-capi-XXXXXX";
  char command[512];

  if (mkdtemp(template_dir) == NULL) {
    perror("mkdtemp");
    return 2;
  }
  snprintf(g_dir, sizeof(g_dir), "%s", template_dir);

  test_version_and_errors();
  test_keys();
  test_names();
  test_ca_and_certs();
  test_verify();
  test_keystores();
  test_ssl();
  test_batch();
  test_cluster();
  test_cluster_rotation();
  test_cluster_k8s();

  for (i = 0; i < sizeof(kCovered) / sizeof(kCovered[0]); i++) {
    if (!g_seen[kCovered[i]]) {
      fprintf(stderr, "error code %s (%d) was never produced\n",
              certkit_error_name((CertkitError)kCovered[i]), kCovered[i]);
      g_failures++;
    }
  }

  certkit_ca_free(g_root);
  certkit_ca_free(g_inter);
  certkit_key_free(g_node_key);
  certkit_cert_free(g_node_cert);

  snprintf(command, sizeof(command), "rm -rf '%s'", g_dir);
  if (system(command) != 0) fprintf(stderr, "could not remove %s\n", g_dir);
  printf("%d checks, %d failures\n", g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}
