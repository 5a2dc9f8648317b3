/* certkit/certkit.h: the stable C ABI of certkit (libcertkit.so).
 *
 * Pure C (C99 and C++), every symbol prefixed certkit_ / Certkit / CERTKIT_.
 * No C++ exception, abseil or BoringSSL type crosses this boundary; every
 * entry point catches everything. See docs/C_API.md for the full rules.
 *
 * The rules, applied everywhere:
 *  - Objects are opaque handles made by certkit_<type>_new / _parse / _from_*
 *    and released with certkit_<type>_free. Every _free accepts NULL.
 *    A function that returns a handle through an out-parameter gives the
 *    caller a NEW handle that the caller frees; input handles are borrowed
 *    (copied or reference counted internally when kept), so the caller may
 *    free them right after the call.
 *  - Fallible functions return CertkitError and write results to
 *    out-parameters only on CERTKIT_OK (out-parameters are untouched on
 *    failure). certkit_last_error_message() then holds the precise reason
 *    for the calling thread. It never contains a password or key bytes.
 *  - Byte inputs are (const uint8_t* data, size_t length). Text inputs are
 *    NUL-terminated const char*; every function taking text has an _n
 *    variant taking (const char* text, size_t length) for each text argument,
 *    which honours the length and needs no NUL.
 *  - Optional text inputs (passwords, aliases) may be NULL, meaning "none";
 *    a required input that is NULL is CERTKIT_ERROR_NULL_ARGUMENT.
 *  - Outputs (text and bytes) are library-allocated buffers released with
 *    certkit_buffer_free(). Text outputs (char**) are NUL-terminated; their
 *    length out-parameter (size_t*, excluding the NUL) may be NULL. Byte
 *    outputs (uint8_t**) require the length out-parameter.
 *  - Times are seconds since the Unix epoch (int64_t, UTC).
 *
 * Thread safety: handles are immutable once built except through their
 * setters; a handle may be read from many threads at once, but must not be
 * modified while other threads use it. CertkitSsl is internally locked.
 */
#ifndef CERTKIT_CERTKIT_H_
#define CERTKIT_CERTKIT_H_

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#if defined(CERTKIT_BUILDING_LIBRARY)
#define CERTKIT_EXPORT __declspec(dllexport)
#else
#define CERTKIT_EXPORT __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define CERTKIT_EXPORT __attribute__((visibility("default")))
#else
#define CERTKIT_EXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Version                                                                  */
/* ------------------------------------------------------------------------ */

#define CERTKIT_VERSION_MAJOR 0
#define CERTKIT_VERSION_MINOR 1
#define CERTKIT_VERSION_PATCH 0
#define CERTKIT_VERSION_STRING "0.1.0"
/* CERTKIT_VERSION_NUMBER is 0xMMmmpp: (major << 16) | (minor << 8) | patch. */
#define CERTKIT_VERSION_NUMBER \
  ((CERTKIT_VERSION_MAJOR << 16) | (CERTKIT_VERSION_MINOR << 8) | CERTKIT_VERSION_PATCH)

/* certkit_version returns the library's version string, e.g. "0.1.0" (static
 * storage). certkit_version_number returns it as CERTKIT_VERSION_NUMBER does,
 * so callers can compare the header they compiled with to the library they
 * run with. */
CERTKIT_EXPORT const char* certkit_version(void);
CERTKIT_EXPORT uint32_t certkit_version_number(void);

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

/* CertkitError: the values 0..99 are certkit::ErrorKind one-to-one
 * (certkit/error.h); 100 and up are C-only. Values are stable: never
 * renumbered, only appended. */
typedef enum CertkitError {
  CERTKIT_OK = 0,
  CERTKIT_ERROR_INVALID_ARGUMENT = 1,  /* unusable argument (bad DN, option) */
  CERTKIT_ERROR_MALFORMED = 2,         /* input bytes are not the expected format */
  CERTKIT_ERROR_BAD_PASSWORD = 3,      /* wrong or missing (store) password */
  CERTKIT_ERROR_BAD_KEY_PASSWORD = 4,  /* wrong per-key password in a key store */
  CERTKIT_ERROR_INTEGRITY = 5,         /* MAC/digest mismatch: corrupted */
  CERTKIT_ERROR_UNSUPPORTED = 6,       /* well-formed but not supported */
  CERTKIT_ERROR_NOT_FOUND = 7,         /* alias, entry, file, attribute absent */
  CERTKIT_ERROR_ALREADY_EXISTS = 8,    /* alias or file exists */
  CERTKIT_ERROR_KEY_MISMATCH = 9,      /* key does not belong to the certificate */
  CERTKIT_ERROR_WEAK_PARAMETER = 10,   /* refused weak parameter (RSA < 2048, ...) */
  CERTKIT_ERROR_IO = 11,               /* file system error */
  CERTKIT_ERROR_LIMIT_EXCEEDED = 12,   /* input exceeds a safety bound; index out of range */
  CERTKIT_ERROR_CERT_EXPIRED = 20,
  CERTKIT_ERROR_CERT_NOT_YET_VALID = 21,
  CERTKIT_ERROR_UNKNOWN_ISSUER = 22,
  CERTKIT_ERROR_BAD_SIGNATURE = 23,
  CERTKIT_ERROR_ISSUER_NOT_CA = 24,
  CERTKIT_ERROR_PATH_LENGTH_EXCEEDED = 25,
  CERTKIT_ERROR_WRONG_PURPOSE = 26,
  CERTKIT_ERROR_IDENTITY_MISMATCH = 27,
  CERTKIT_ERROR_NAME_CONSTRAINTS = 28,
  CERTKIT_ERROR_POLICY_VIOLATION = 29,
  CERTKIT_ERROR_CERT_REVOKED = 30,     /* listed by a CRL the caller supplied */
  CERTKIT_ERROR_TLS_HANDSHAKE = 40,
  CERTKIT_ERROR_INTERNAL = 99,
  /* C-only codes. */
  CERTKIT_ERROR_NULL_ARGUMENT = 100,   /* a required pointer argument was NULL */
  CERTKIT_ERROR_OUT_OF_MEMORY = 101    /* allocation failed */
} CertkitError;

/* certkit_error_desc returns a short static description of |code| ("bad
 * password"); unknown codes give "unknown error". certkit_error_name returns
 * the stable identifier ("bad_password", as certkit::ErrorKindName). */
CERTKIT_EXPORT const char* certkit_error_desc(CertkitError code);
CERTKIT_EXPORT const char* certkit_error_name(CertkitError code);

/* certkit_last_error_message returns the precise reason for the last
 * CertkitError-returning call on this thread ("" after a success). The
 * pointer stays valid until the next certkit call on the same thread. */
CERTKIT_EXPORT const char* certkit_last_error_message(void);

/* certkit_buffer_free releases any text or byte buffer certkit returned.
 * NULL is ignored. */
CERTKIT_EXPORT void certkit_buffer_free(void* buffer);

/* ------------------------------------------------------------------------ */
/* Keys                                                                     */
/* ------------------------------------------------------------------------ */

typedef struct CertkitKey CertkitKey; /* a private key (and its public half) */
typedef struct CertkitKeystore CertkitKeystore; /* a key store (see below) */

typedef enum CertkitKeyType {
  CERTKIT_KEY_RSA = 0,
  CERTKIT_KEY_EC_P256 = 1,
  CERTKIT_KEY_EC_P384 = 2,
  CERTKIT_KEY_ED25519 = 3,
  CERTKIT_KEY_EC_P521 = 4
} CertkitKeyType;

typedef enum CertkitKeyFormat {
  CERTKIT_KEY_FORMAT_PKCS8 = 0,       /* "PRIVATE KEY" */
  CERTKIT_KEY_FORMAT_TRADITIONAL = 1  /* "RSA PRIVATE KEY" / "EC PRIVATE KEY" */
} CertkitKeyFormat;

/* certkit_key_generate creates a key from |spec|: "rsa:2048", "rsa:3072",
 * "rsa:4096", "ec:p256", "ec:p384", "ec:p521", "ed25519". RSA below 2048 bits
 * is CERTKIT_ERROR_WEAK_PARAMETER. */
CERTKIT_EXPORT CertkitError certkit_key_generate(const char* spec, CertkitKey** out);
CERTKIT_EXPORT CertkitError certkit_key_generate_n(const char* spec, size_t spec_length,
                                                   CertkitKey** out);

/* certkit_key_from_pem parses the first private key in |pem| (PKCS#8,
 * encrypted PKCS#8, PKCS#1, SEC 1, legacy-encrypted). |password| may be NULL
 * for unencrypted keys; a wrong or missing one is CERTKIT_ERROR_BAD_PASSWORD. */
CERTKIT_EXPORT CertkitError certkit_key_from_pem(const char* pem, const char* password,
                                                 CertkitKey** out);
CERTKIT_EXPORT CertkitError certkit_key_from_pem_n(const char* pem, size_t pem_length,
                                                   const char* password, size_t password_length,
                                                   CertkitKey** out);
/* certkit_key_from_der parses DER PKCS#8 (plain or encrypted), PKCS#1 or SEC 1. */
CERTKIT_EXPORT CertkitError certkit_key_from_der(const uint8_t* der, size_t der_length,
                                                 const char* password, CertkitKey** out);
CERTKIT_EXPORT CertkitError certkit_key_from_der_n(const uint8_t* der, size_t der_length,
                                                   const char* password, size_t password_length,
                                                   CertkitKey** out);
CERTKIT_EXPORT void certkit_key_free(CertkitKey* key);

/* certkit_key_type / certkit_key_bits report the algorithm and its size
 * (RSA modulus bits, EC field bits, 256 for Ed25519). certkit_key_describe
 * gives text such as "RSA 2048" or "EC P-256". */
CERTKIT_EXPORT CertkitError certkit_key_type(const CertkitKey* key, CertkitKeyType* out);
CERTKIT_EXPORT CertkitError certkit_key_bits(const CertkitKey* key, int* out);
CERTKIT_EXPORT CertkitError certkit_key_describe(const CertkitKey* key, char** out,
                                                 size_t* out_length);

/* certkit_key_to_pem / _to_der write the key unencrypted in |format|. */
CERTKIT_EXPORT CertkitError certkit_key_to_pem(const CertkitKey* key, CertkitKeyFormat format,
                                               char** out, size_t* out_length);
CERTKIT_EXPORT CertkitError certkit_key_to_der(const CertkitKey* key, CertkitKeyFormat format,
                                               uint8_t** out, size_t* out_length);
/* certkit_key_to_encrypted_pem / _der write an encrypted PKCS#8 key (PBES2,
 * PBKDF2-HMAC-SHA256, AES-256-CBC). An empty password is
 * CERTKIT_ERROR_INVALID_ARGUMENT. */
CERTKIT_EXPORT CertkitError certkit_key_to_encrypted_pem(const CertkitKey* key,
                                                         const char* password, char** out,
                                                         size_t* out_length);
CERTKIT_EXPORT CertkitError certkit_key_to_encrypted_pem_n(const CertkitKey* key,
                                                           const char* password,
                                                           size_t password_length, char** out,
                                                           size_t* out_length);
CERTKIT_EXPORT CertkitError certkit_key_to_encrypted_der(const CertkitKey* key,
                                                         const char* password, uint8_t** out,
                                                         size_t* out_length);
CERTKIT_EXPORT CertkitError certkit_key_to_encrypted_der_n(const CertkitKey* key,
                                                           const char* password,
                                                           size_t password_length, uint8_t** out,
                                                           size_t* out_length);
/* certkit_key_public_pem writes the public half as a "PUBLIC KEY" PEM. */
CERTKIT_EXPORT CertkitError certkit_key_public_pem(const CertkitKey* key, char** out,
                                                   size_t* out_length);

/* ------------------------------------------------------------------------ */
/* Distinguished names                                                      */
/* ------------------------------------------------------------------------ */

typedef struct CertkitName CertkitName;

typedef enum CertkitNameStyle {
  CERTKIT_NAME_RFC4514 = 0, /* "CN=a, OU=b, C=US" (keytool order) */
  CERTKIT_NAME_SLASH = 1    /* "/C=US/OU=b/CN=a" (openssl -subj order) */
} CertkitNameStyle;

/* certkit_name_new makes an empty name. certkit_name_parse accepts the
 * RFC 4514 / keytool form and the OpenSSL slash form (leading '/'). */
CERTKIT_EXPORT CertkitError certkit_name_new(CertkitName** out);
CERTKIT_EXPORT CertkitError certkit_name_parse(const char* text, CertkitName** out);
CERTKIT_EXPORT CertkitError certkit_name_parse_n(const char* text, size_t text_length,
                                                 CertkitName** out);
CERTKIT_EXPORT void certkit_name_free(CertkitName* name);

CERTKIT_EXPORT CertkitError certkit_name_to_string(const CertkitName* name,
                                                   CertkitNameStyle style, char** out,
                                                   size_t* out_length);
/* certkit_name_get returns the value of the last attribute of |type| ("CN",
 * "O", a dotted OID; case-insensitive); CERTKIT_ERROR_NOT_FOUND when absent. */
CERTKIT_EXPORT CertkitError certkit_name_get(const CertkitName* name, const char* type,
                                             char** out, size_t* out_length);
CERTKIT_EXPORT CertkitError certkit_name_get_n(const CertkitName* name, const char* type,
                                               size_t type_length, char** out,
                                               size_t* out_length);
/* certkit_name_set replaces every attribute of |type| with |value| (appended
 * last when absent). */
CERTKIT_EXPORT CertkitError certkit_name_set(CertkitName* name, const char* type,
                                             const char* value);
CERTKIT_EXPORT CertkitError certkit_name_set_n(CertkitName* name, const char* type,
                                               size_t type_length, const char* value,
                                               size_t value_length);
/* certkit_name_count gives the number of attributes (one per RDN, DER
 * order); certkit_name_attribute returns the |index|th one as two buffers
 * (either out-parameter may be NULL). Index out of range:
 * CERTKIT_ERROR_LIMIT_EXCEEDED. */
CERTKIT_EXPORT CertkitError certkit_name_count(const CertkitName* name, size_t* out);
CERTKIT_EXPORT CertkitError certkit_name_attribute(const CertkitName* name, size_t index,
                                                   char** type_out, char** value_out);

/* ------------------------------------------------------------------------ */
/* Subject alternative names                                                */
/* ------------------------------------------------------------------------ */
/* SAN lists cross the ABI as text: "DNS:a,IP:1.2.3.4,email:x@y,URI:u" (a bare
 * entry is classified as IP or DNS). */

typedef enum CertkitSanType {
  CERTKIT_SAN_DNS = 0,
  CERTKIT_SAN_IP = 1,
  CERTKIT_SAN_EMAIL = 2,
  CERTKIT_SAN_URI = 3
} CertkitSanType;

/* ------------------------------------------------------------------------ */
/* Certificates                                                             */
/* ------------------------------------------------------------------------ */

typedef struct CertkitCert CertkitCert;
typedef struct CertkitCertList CertkitCertList; /* an ordered list of certificates */

typedef enum CertkitDigest {
  CERTKIT_DIGEST_SHA1 = 0,
  CERTKIT_DIGEST_SHA256 = 1
} CertkitDigest;

/* certkit_cert_from_pem parses the first CERTIFICATE block; _from_der exactly
 * one DER certificate. */
CERTKIT_EXPORT CertkitError certkit_cert_from_pem(const char* pem, CertkitCert** out);
CERTKIT_EXPORT CertkitError certkit_cert_from_pem_n(const char* pem, size_t pem_length,
                                                    CertkitCert** out);
CERTKIT_EXPORT CertkitError certkit_cert_from_der(const uint8_t* der, size_t der_length,
                                                  CertkitCert** out);
CERTKIT_EXPORT void certkit_cert_free(CertkitCert* cert);

CERTKIT_EXPORT CertkitError certkit_cert_to_pem(const CertkitCert* cert, char** out,
                                                size_t* out_length);
CERTKIT_EXPORT CertkitError certkit_cert_to_der(const CertkitCert* cert, uint8_t** out,
                                                size_t* out_length);

/* Fields. */
CERTKIT_EXPORT CertkitError certkit_cert_version(const CertkitCert* cert, int* out);
/* certkit_cert_serial_hex: lower-case hex, no separators (keytool's form). */
CERTKIT_EXPORT CertkitError certkit_cert_serial_hex(const CertkitCert* cert, char** out,
                                                    size_t* out_length);
CERTKIT_EXPORT CertkitError certkit_cert_subject(const CertkitCert* cert, CertkitName** out);
CERTKIT_EXPORT CertkitError certkit_cert_issuer(const CertkitCert* cert, CertkitName** out);
/* certkit_cert_subject_string / _issuer_string: the RFC 4514 form. */
CERTKIT_EXPORT CertkitError certkit_cert_subject_string(const CertkitCert* cert, char** out,
                                                        size_t* out_length);
CERTKIT_EXPORT CertkitError certkit_cert_issuer_string(const CertkitCert* cert, char** out,
                                                       size_t* out_length);
CERTKIT_EXPORT CertkitError certkit_cert_not_before(const CertkitCert* cert, int64_t* out);
CERTKIT_EXPORT CertkitError certkit_cert_not_after(const CertkitCert* cert, int64_t* out);
/* certkit_cert_sans returns every SAN as "DNS:a,IP:1.2.3.4" ("" when none).
 * certkit_cert_san_count / _san_at give them one by one. */
CERTKIT_EXPORT CertkitError certkit_cert_sans(const CertkitCert* cert, char** out,
                                              size_t* out_length);
CERTKIT_EXPORT CertkitError certkit_cert_san_count(const CertkitCert* cert, size_t* out);
CERTKIT_EXPORT CertkitError certkit_cert_san_at(const CertkitCert* cert, size_t index,
                                                CertkitSanType* type_out, char** value_out,
                                                size_t* value_length);
/* certkit_cert_basic_constraints: |is_ca| 0/1; |path_len| -1 when unlimited
 * or absent. Either out-parameter may be NULL. */
CERTKIT_EXPORT CertkitError certkit_cert_basic_constraints(const CertkitCert* cert, int* is_ca,
                                                           int* path_len);
/* certkit_cert_key_usage: bit set (bit 0 digitalSignature ... bit 8
 * decipherOnly, RFC 5280 order); CERTKIT_ERROR_NOT_FOUND when absent. */
CERTKIT_EXPORT CertkitError certkit_cert_key_usage(const CertkitCert* cert, uint32_t* out);
/* certkit_cert_extended_key_usage: comma-separated dotted OIDs;
 * CERTKIT_ERROR_NOT_FOUND when the extension is absent. */
CERTKIT_EXPORT CertkitError certkit_cert_extended_key_usage(const CertkitCert* cert, char** out,
                                                            size_t* out_length);
CERTKIT_EXPORT CertkitError certkit_cert_signature_algorithm(const CertkitCert* cert, char** out,
                                                             size_t* out_length);
/* certkit_cert_fingerprint: keytool's "AB:CD:..." form. */
CERTKIT_EXPORT CertkitError certkit_cert_fingerprint(const CertkitCert* cert,
                                                     CertkitDigest digest, char** out,
                                                     size_t* out_length);
/* certkit_cert_summary: multi-line human-readable description. */
CERTKIT_EXPORT CertkitError certkit_cert_summary(const CertkitCert* cert, char** out,
                                                 size_t* out_length);
CERTKIT_EXPORT CertkitError certkit_cert_public_key_pem(const CertkitCert* cert, char** out,
                                                        size_t* out_length);
/* certkit_cert_matches_key sets |out| to 1 when |key| is the private half of
 * the certificate's key, else 0. */
CERTKIT_EXPORT CertkitError certkit_cert_matches_key(const CertkitCert* cert,
                                                     const CertkitKey* key, int* out);
/* certkit_cert_equal sets |out| to 1 when both are the same certificate. */
CERTKIT_EXPORT CertkitError certkit_cert_equal(const CertkitCert* a, const CertkitCert* b,
                                               int* out);

/* Certificate lists (chains, bundles, trust anchors). */
CERTKIT_EXPORT CertkitError certkit_cert_list_new(CertkitCertList** out);
/* certkit_cert_list_parse reads every certificate of a PEM bundle (or one DER
 * certificate); zero certificates is CERTKIT_ERROR_MALFORMED. */
CERTKIT_EXPORT CertkitError certkit_cert_list_parse(const char* data, CertkitCertList** out);
CERTKIT_EXPORT CertkitError certkit_cert_list_parse_n(const char* data, size_t data_length,
                                                      CertkitCertList** out);
CERTKIT_EXPORT void certkit_cert_list_free(CertkitCertList* list);
CERTKIT_EXPORT CertkitError certkit_cert_list_count(const CertkitCertList* list, size_t* out);
/* certkit_cert_list_get returns a new handle for the |index|th certificate. */
CERTKIT_EXPORT CertkitError certkit_cert_list_get(const CertkitCertList* list, size_t index,
                                                  CertkitCert** out);
/* certkit_cert_list_add appends |cert| (shared, the caller keeps its handle). */
CERTKIT_EXPORT CertkitError certkit_cert_list_add(CertkitCertList* list,
                                                  const CertkitCert* cert);
CERTKIT_EXPORT CertkitError certkit_cert_list_to_pem(const CertkitCertList* list, char** out,
                                                     size_t* out_length);

/* ------------------------------------------------------------------------ */
/* Certificate signing requests                                             */
/* ------------------------------------------------------------------------ */

typedef struct CertkitCsr CertkitCsr;

/* certkit_csr_create builds and signs a CSR for |subject| with |key|; |sans|
 * ("DNS:a,IP:1.2.3.4") may be NULL. */
CERTKIT_EXPORT CertkitError certkit_csr_create(const CertkitName* subject, const char* sans,
                                               const CertkitKey* key, CertkitCsr** out);
CERTKIT_EXPORT CertkitError certkit_csr_create_n(const CertkitName* subject, const char* sans,
                                                 size_t sans_length, const CertkitKey* key,
                                                 CertkitCsr** out);
/* certkit_csr_from_pem accepts "CERTIFICATE REQUEST" and keytool's "NEW
 * CERTIFICATE REQUEST". Parsing does not check the signature. */
CERTKIT_EXPORT CertkitError certkit_csr_from_pem(const char* pem, CertkitCsr** out);
CERTKIT_EXPORT CertkitError certkit_csr_from_pem_n(const char* pem, size_t pem_length,
                                                   CertkitCsr** out);
CERTKIT_EXPORT CertkitError certkit_csr_from_der(const uint8_t* der, size_t der_length,
                                                 CertkitCsr** out);
CERTKIT_EXPORT void certkit_csr_free(CertkitCsr* csr);
/* certkit_csr_verify_signature: CERTKIT_ERROR_BAD_SIGNATURE when it fails. */
CERTKIT_EXPORT CertkitError certkit_csr_verify_signature(const CertkitCsr* csr);
CERTKIT_EXPORT CertkitError certkit_csr_subject(const CertkitCsr* csr, CertkitName** out);
/* certkit_csr_sans: the requested SANs as text ("" when none). */
CERTKIT_EXPORT CertkitError certkit_csr_sans(const CertkitCsr* csr, char** out,
                                             size_t* out_length);
CERTKIT_EXPORT CertkitError certkit_csr_public_key_pem(const CertkitCsr* csr, char** out,
                                                       size_t* out_length);
CERTKIT_EXPORT CertkitError certkit_csr_to_pem(const CertkitCsr* csr, char** out,
                                               size_t* out_length);
CERTKIT_EXPORT CertkitError certkit_csr_to_der(const CertkitCsr* csr, uint8_t** out,
                                               size_t* out_length);

/* ------------------------------------------------------------------------ */
/* Signing profiles                                                         */
/* ------------------------------------------------------------------------ */

typedef struct CertkitProfile CertkitProfile;

/* certkit_profile_new returns the built-in profile |name|: "node", "server",
 * "client", "intermediate" (CERTKIT_ERROR_INVALID_ARGUMENT otherwise). The
 * setters adjust a copy the caller owns. */
CERTKIT_EXPORT CertkitError certkit_profile_new(const char* name, CertkitProfile** out);
CERTKIT_EXPORT CertkitError certkit_profile_new_n(const char* name, size_t name_length,
                                                  CertkitProfile** out);
CERTKIT_EXPORT void certkit_profile_free(CertkitProfile* profile);
/* certkit_profile_set_days: default validity when the issue options give none (> 0). */
CERTKIT_EXPORT CertkitError certkit_profile_set_days(CertkitProfile* profile, int days);
/* certkit_profile_set_key_usage: bit set as certkit_cert_key_usage. */
CERTKIT_EXPORT CertkitError certkit_profile_set_key_usage(CertkitProfile* profile,
                                                          uint32_t key_usage);
/* certkit_profile_set_extended_key_usage: comma-separated dotted OIDs or the
 * names "serverAuth", "clientAuth", "emailProtection"; "" for no EKU. */
CERTKIT_EXPORT CertkitError certkit_profile_set_extended_key_usage(CertkitProfile* profile,
                                                                   const char* ekus);
CERTKIT_EXPORT CertkitError certkit_profile_set_extended_key_usage_n(CertkitProfile* profile,
                                                                     const char* ekus,
                                                                     size_t ekus_length);
CERTKIT_EXPORT CertkitError certkit_profile_set_require_san(CertkitProfile* profile,
                                                            int require_san);

/* ------------------------------------------------------------------------ */
/* Certificate authorities                                                  */
/* ------------------------------------------------------------------------ */

typedef struct CertkitCa CertkitCa;
typedef struct CertkitCaOptions CertkitCaOptions;
typedef struct CertkitIssueOptions CertkitIssueOptions;

typedef enum CertkitSigningPolicy {
  CERTKIT_POLICY_PERMISSIVE = 0, /* nothing required, CSR SANs copied */
  CERTKIT_POLICY_COCKROACH = 1   /* O and CN supplied, SANs copied */
} CertkitSigningPolicy;

/* CA creation options: subject (required), key spec or own key, days
 * (default 3650), path length (-1: root unlimited / intermediate 0),
 * notBefore, allow_beyond_issuer. */
CERTKIT_EXPORT CertkitError certkit_ca_options_new(CertkitCaOptions** out);
CERTKIT_EXPORT void certkit_ca_options_free(CertkitCaOptions* options);
CERTKIT_EXPORT CertkitError certkit_ca_options_set_subject(CertkitCaOptions* options,
                                                           const CertkitName* subject);
CERTKIT_EXPORT CertkitError certkit_ca_options_set_key_spec(CertkitCaOptions* options,
                                                            const char* spec);
CERTKIT_EXPORT CertkitError certkit_ca_options_set_key_spec_n(CertkitCaOptions* options,
                                                              const char* spec,
                                                              size_t spec_length);
CERTKIT_EXPORT CertkitError certkit_ca_options_set_key(CertkitCaOptions* options,
                                                       const CertkitKey* key);
CERTKIT_EXPORT CertkitError certkit_ca_options_set_days(CertkitCaOptions* options, int days);
CERTKIT_EXPORT CertkitError certkit_ca_options_set_path_len(CertkitCaOptions* options,
                                                            int path_len);
CERTKIT_EXPORT CertkitError certkit_ca_options_set_not_before(CertkitCaOptions* options,
                                                              int64_t unix_seconds);
CERTKIT_EXPORT CertkitError certkit_ca_options_set_allow_beyond_issuer(CertkitCaOptions* options,
                                                                       int allow);

/* certkit_ca_create_root makes a self-signed root CA;
 * certkit_ca_create_intermediate one signed by |parent|. */
CERTKIT_EXPORT CertkitError certkit_ca_create_root(const CertkitCaOptions* options,
                                                   CertkitCa** out);
CERTKIT_EXPORT CertkitError certkit_ca_create_intermediate(const CertkitCa* parent,
                                                           const CertkitCaOptions* options,
                                                           CertkitCa** out);
/* certkit_ca_load builds a CA from its certificate, key and (optional, may be
 * NULL) chain to the root. CERTKIT_ERROR_KEY_MISMATCH / _ISSUER_NOT_CA. */
CERTKIT_EXPORT CertkitError certkit_ca_load(const CertkitCert* cert, const CertkitKey* key,
                                            const CertkitCertList* chain, CertkitCa** out);
/* certkit_ca_load_pem: |cert_pem| holds the CA certificate followed by its
 * chain (optional); |key_pem| its key, opened with |password| (may be NULL). */
CERTKIT_EXPORT CertkitError certkit_ca_load_pem(const char* cert_pem, const char* key_pem,
                                                const char* password, CertkitCa** out);
CERTKIT_EXPORT CertkitError certkit_ca_load_pem_n(const char* cert_pem, size_t cert_pem_length,
                                                  const char* key_pem, size_t key_pem_length,
                                                  const char* password, size_t password_length,
                                                  CertkitCa** out);
/* certkit_ca_load_keystore takes the key entry |alias| (NULL: the only key
 * entry) of a loaded key store. */
CERTKIT_EXPORT CertkitError certkit_ca_load_keystore(const CertkitKeystore* store,
                                                     const char* alias, CertkitCa** out);
CERTKIT_EXPORT CertkitError certkit_ca_load_keystore_n(const CertkitKeystore* store,
                                                       const char* alias, size_t alias_length,
                                                       CertkitCa** out);
CERTKIT_EXPORT void certkit_ca_free(CertkitCa* ca);
CERTKIT_EXPORT CertkitError certkit_ca_certificate(const CertkitCa* ca, CertkitCert** out);
CERTKIT_EXPORT CertkitError certkit_ca_key(const CertkitCa* ca, CertkitKey** out);
/* certkit_ca_chain: the CA certificate followed by its issuers up to the root. */
CERTKIT_EXPORT CertkitError certkit_ca_chain(const CertkitCa* ca, CertkitCertList** out);

/* Issue options: days (0: the profile's default), notBefore, extra SANs,
 * subject override, signing policy, allow_beyond_issuer. */
CERTKIT_EXPORT CertkitError certkit_issue_options_new(CertkitIssueOptions** out);
CERTKIT_EXPORT void certkit_issue_options_free(CertkitIssueOptions* options);
CERTKIT_EXPORT CertkitError certkit_issue_options_set_days(CertkitIssueOptions* options,
                                                           int days);
CERTKIT_EXPORT CertkitError certkit_issue_options_set_not_before(CertkitIssueOptions* options,
                                                                 int64_t unix_seconds);
CERTKIT_EXPORT CertkitError certkit_issue_options_add_sans(CertkitIssueOptions* options,
                                                           const char* sans);
CERTKIT_EXPORT CertkitError certkit_issue_options_add_sans_n(CertkitIssueOptions* options,
                                                             const char* sans,
                                                             size_t sans_length);
CERTKIT_EXPORT CertkitError certkit_issue_options_set_subject(CertkitIssueOptions* options,
                                                              const CertkitName* subject);
CERTKIT_EXPORT CertkitError certkit_issue_options_set_policy(CertkitIssueOptions* options,
                                                             CertkitSigningPolicy policy);
CERTKIT_EXPORT CertkitError certkit_issue_options_set_allow_beyond_issuer(
    CertkitIssueOptions* options, int allow);

/* certkit_ca_sign_csr issues a certificate for |csr| with |profile|;
 * |options| may be NULL. The CSR signature is checked first. */
CERTKIT_EXPORT CertkitError certkit_ca_sign_csr(const CertkitCa* ca, const CertkitCsr* csr,
                                                const CertkitProfile* profile,
                                                const CertkitIssueOptions* options,
                                                CertkitCert** out);
/* certkit_ca_sign_key issues a certificate for the public half of |key|; the
 * subject comes from the options (required). */
CERTKIT_EXPORT CertkitError certkit_ca_sign_key(const CertkitCa* ca, const CertkitKey* key,
                                                const CertkitProfile* profile,
                                                const CertkitIssueOptions* options,
                                                CertkitCert** out);

/* ------------------------------------------------------------------------ */
/* Chain verification                                                       */
/* ------------------------------------------------------------------------ */

typedef struct CertkitVerifyOptions CertkitVerifyOptions;

typedef enum CertkitPurpose {
  CERTKIT_PURPOSE_ANY = 0,
  CERTKIT_PURPOSE_SERVER_AUTH = 1,
  CERTKIT_PURPOSE_CLIENT_AUTH = 2
} CertkitPurpose;

typedef enum CertkitIdentityType {
  CERTKIT_IDENTITY_NONE = 0,
  CERTKIT_IDENTITY_DNS = 1,
  CERTKIT_IDENTITY_IP = 2,
  CERTKIT_IDENTITY_EMAIL = 3,
  CERTKIT_IDENTITY_HOST = 4 /* classified as IP or DNS */
} CertkitIdentityType;

CERTKIT_EXPORT CertkitError certkit_verify_options_new(CertkitVerifyOptions** out);
CERTKIT_EXPORT void certkit_verify_options_free(CertkitVerifyOptions* options);
/* certkit_verify_options_set_time: validation time (default: now). */
CERTKIT_EXPORT CertkitError certkit_verify_options_set_time(CertkitVerifyOptions* options,
                                                            int64_t unix_seconds);
CERTKIT_EXPORT CertkitError certkit_verify_options_set_purpose(CertkitVerifyOptions* options,
                                                               CertkitPurpose purpose);
CERTKIT_EXPORT CertkitError certkit_verify_options_set_identity(CertkitVerifyOptions* options,
                                                                CertkitIdentityType type,
                                                                const char* value);
CERTKIT_EXPORT CertkitError certkit_verify_options_set_identity_n(CertkitVerifyOptions* options,
                                                                  CertkitIdentityType type,
                                                                  const char* value,
                                                                  size_t value_length);
/* certkit_verify_options_set_allow_cn_fallback: consult the CN when the leaf
 * has no SAN extension at all (compatibility; off by default). */
CERTKIT_EXPORT CertkitError certkit_verify_options_set_allow_cn_fallback(
    CertkitVerifyOptions* options, int allow);
CERTKIT_EXPORT CertkitError certkit_verify_options_set_max_depth(CertkitVerifyOptions* options,
                                                                 int max_depth);
/* certkit_verify_options_add_crl adds one certificate revocation list (PEM
 * "X509 CRL" or DER; copied). Each CRL issued by a certificate's issuer is
 * validated (signature, cRLSign, v2 with cRLNumber) and a listed serial fails
 * verification with CERTKIT_ERROR_CERT_REVOKED. A CRL that cannot be parsed
 * is CERTKIT_ERROR_MALFORMED here, and nothing is added. NULL |options| or
 * |crl| is CERTKIT_ERROR_INVALID_ARGUMENT. */
CERTKIT_EXPORT CertkitError certkit_verify_options_add_crl(CertkitVerifyOptions* options,
                                                           const uint8_t* crl, size_t crl_length);

/* certkit_verify validates |leaf| against the trust anchors |anchors| using
 * |intermediates| (may be NULL) for path building; |options| may be NULL.
 * On success |chain_out| (may be NULL) receives the path, leaf first, anchor
 * last. On failure the code names the rule (CERTKIT_ERROR_CERT_EXPIRED,
 * _UNKNOWN_ISSUER, _IDENTITY_MISMATCH, ...) and the message the certificate. */
CERTKIT_EXPORT CertkitError certkit_verify(const CertkitCert* leaf,
                                           const CertkitCertList* intermediates,
                                           const CertkitCertList* anchors,
                                           const CertkitVerifyOptions* options,
                                           CertkitCertList** chain_out);

/* ------------------------------------------------------------------------ */
/* Key stores (JKS, JCEKS, PKCS#12, PEM)                                    */
/* ------------------------------------------------------------------------ */

typedef enum CertkitStoreFormat {
  CERTKIT_STORE_AUTO = 0, /* detect when loading */
  CERTKIT_STORE_JKS = 1,
  CERTKIT_STORE_JCEKS = 2, /* read-only */
  CERTKIT_STORE_PKCS12 = 3,
  CERTKIT_STORE_PEM = 4
} CertkitStoreFormat;

typedef enum CertkitEntryType {
  CERTKIT_ENTRY_PRIVATE_KEY = 0,
  CERTKIT_ENTRY_TRUSTED_CERT = 1
} CertkitEntryType;

/* Flags for saving. */
#define CERTKIT_SAVE_PKCS12_LEGACY 0x1u  /* Java 8 compatible PKCS#12 algorithms */
#define CERTKIT_SAVE_PEM_PLAIN_KEYS 0x2u /* PEM: do not encrypt keys */

/* certkit_store_format_name: "JKS", "JCEKS", "PKCS12", "PEM", "AUTO" (static). */
CERTKIT_EXPORT const char* certkit_store_format_name(CertkitStoreFormat format);

CERTKIT_EXPORT CertkitError certkit_keystore_new(CertkitKeystore** out);
/* certkit_keystore_load parses a store (format detected when AUTO). A wrong
 * store password is CERTKIT_ERROR_BAD_PASSWORD, a corrupted one
 * CERTKIT_ERROR_INTEGRITY. Keys whose password differs stay locked (see
 * certkit_keystore_unlock_key). */
CERTKIT_EXPORT CertkitError certkit_keystore_load(const uint8_t* data, size_t data_length,
                                                  const char* password,
                                                  CertkitStoreFormat format,
                                                  CertkitKeystore** out);
CERTKIT_EXPORT CertkitError certkit_keystore_load_n(const uint8_t* data, size_t data_length,
                                                    const char* password,
                                                    size_t password_length,
                                                    CertkitStoreFormat format,
                                                    CertkitKeystore** out);
CERTKIT_EXPORT CertkitError certkit_keystore_load_file(const char* path, const char* password,
                                                       CertkitStoreFormat format,
                                                       CertkitKeystore** out);
CERTKIT_EXPORT CertkitError certkit_keystore_load_file_n(const char* path, size_t path_length,
                                                         const char* password,
                                                         size_t password_length,
                                                         CertkitStoreFormat format,
                                                         CertkitKeystore** out);
CERTKIT_EXPORT void certkit_keystore_free(CertkitKeystore* store);
/* certkit_keystore_format: the format the store was loaded from (AUTO when new). */
CERTKIT_EXPORT CertkitError certkit_keystore_format(const CertkitKeystore* store,
                                                    CertkitStoreFormat* out);
/* certkit_keystore_save serializes into |format| (not AUTO, not JCEKS). */
CERTKIT_EXPORT CertkitError certkit_keystore_save(const CertkitKeystore* store,
                                                  CertkitStoreFormat format,
                                                  const char* password, unsigned flags,
                                                  uint8_t** out, size_t* out_length);
CERTKIT_EXPORT CertkitError certkit_keystore_save_n(const CertkitKeystore* store,
                                                    CertkitStoreFormat format,
                                                    const char* password,
                                                    size_t password_length, unsigned flags,
                                                    uint8_t** out, size_t* out_length);
/* certkit_keystore_save_file writes atomically (0600 when it holds keys). */
CERTKIT_EXPORT CertkitError certkit_keystore_save_file(const CertkitKeystore* store,
                                                       const char* path,
                                                       CertkitStoreFormat format,
                                                       const char* password, unsigned flags);
CERTKIT_EXPORT CertkitError certkit_keystore_save_file_n(const CertkitKeystore* store,
                                                         const char* path, size_t path_length,
                                                         CertkitStoreFormat format,
                                                         const char* password,
                                                         size_t password_length,
                                                         unsigned flags);
/* Listing: count, then the |index|th alias (lower-cased), then per alias. */
CERTKIT_EXPORT CertkitError certkit_keystore_count(const CertkitKeystore* store, size_t* out);
CERTKIT_EXPORT CertkitError certkit_keystore_alias_at(const CertkitKeystore* store,
                                                      size_t index, char** out,
                                                      size_t* out_length);
/* Per-alias functions look the alias up case-insensitively;
 * CERTKIT_ERROR_NOT_FOUND names it when absent. */
CERTKIT_EXPORT CertkitError certkit_keystore_entry_type(const CertkitKeystore* store,
                                                        const char* alias,
                                                        CertkitEntryType* out);
CERTKIT_EXPORT CertkitError certkit_keystore_entry_type_n(const CertkitKeystore* store,
                                                          const char* alias,
                                                          size_t alias_length,
                                                          CertkitEntryType* out);
/* certkit_keystore_entry_date: the entry's creation date. */
CERTKIT_EXPORT CertkitError certkit_keystore_entry_date(const CertkitKeystore* store,
                                                        const char* alias, int64_t* out);
CERTKIT_EXPORT CertkitError certkit_keystore_entry_date_n(const CertkitKeystore* store,
                                                          const char* alias,
                                                          size_t alias_length, int64_t* out);
/* certkit_keystore_get_cert: the (leaf) certificate of |alias|. */
CERTKIT_EXPORT CertkitError certkit_keystore_get_cert(const CertkitKeystore* store,
                                                      const char* alias, CertkitCert** out);
CERTKIT_EXPORT CertkitError certkit_keystore_get_cert_n(const CertkitKeystore* store,
                                                        const char* alias, size_t alias_length,
                                                        CertkitCert** out);
/* certkit_keystore_get_chain: the whole chain of |alias|, leaf first. */
CERTKIT_EXPORT CertkitError certkit_keystore_get_chain(const CertkitKeystore* store,
                                                       const char* alias,
                                                       CertkitCertList** out);
CERTKIT_EXPORT CertkitError certkit_keystore_get_chain_n(const CertkitKeystore* store,
                                                         const char* alias,
                                                         size_t alias_length,
                                                         CertkitCertList** out);
/* certkit_keystore_get_key: the private key of key entry |alias|;
 * CERTKIT_ERROR_BAD_KEY_PASSWORD while it is locked, _INVALID_ARGUMENT for a
 * trusted-certificate entry. */
CERTKIT_EXPORT CertkitError certkit_keystore_get_key(const CertkitKeystore* store,
                                                     const char* alias, CertkitKey** out);
CERTKIT_EXPORT CertkitError certkit_keystore_get_key_n(const CertkitKeystore* store,
                                                       const char* alias, size_t alias_length,
                                                       CertkitKey** out);
/* certkit_keystore_set_key_entry adds or replaces a key entry; the chain's
 * leaf must match the key (CERTKIT_ERROR_KEY_MISMATCH). */
CERTKIT_EXPORT CertkitError certkit_keystore_set_key_entry(CertkitKeystore* store,
                                                           const char* alias,
                                                           const CertkitKey* key,
                                                           const CertkitCertList* chain);
CERTKIT_EXPORT CertkitError certkit_keystore_set_key_entry_n(CertkitKeystore* store,
                                                             const char* alias,
                                                             size_t alias_length,
                                                             const CertkitKey* key,
                                                             const CertkitCertList* chain);
/* certkit_keystore_add_trusted_cert: keytool -importcert of a trusted
 * certificate (CERTKIT_ERROR_ALREADY_EXISTS when the alias exists). */
CERTKIT_EXPORT CertkitError certkit_keystore_add_trusted_cert(CertkitKeystore* store,
                                                              const char* alias,
                                                              const CertkitCert* cert);
CERTKIT_EXPORT CertkitError certkit_keystore_add_trusted_cert_n(CertkitKeystore* store,
                                                                const char* alias,
                                                                size_t alias_length,
                                                                const CertkitCert* cert);
/* certkit_keystore_import_ca_reply installs a CA reply into key entry |alias|. */
CERTKIT_EXPORT CertkitError certkit_keystore_import_ca_reply(CertkitKeystore* store,
                                                             const char* alias,
                                                             const CertkitCertList* reply);
CERTKIT_EXPORT CertkitError certkit_keystore_import_ca_reply_n(CertkitKeystore* store,
                                                               const char* alias,
                                                               size_t alias_length,
                                                               const CertkitCertList* reply);
CERTKIT_EXPORT CertkitError certkit_keystore_delete(CertkitKeystore* store, const char* alias);
CERTKIT_EXPORT CertkitError certkit_keystore_delete_n(CertkitKeystore* store, const char* alias,
                                                      size_t alias_length);
CERTKIT_EXPORT CertkitError certkit_keystore_rename(CertkitKeystore* store, const char* from,
                                                    const char* to);
CERTKIT_EXPORT CertkitError certkit_keystore_rename_n(CertkitKeystore* store, const char* from,
                                                      size_t from_length, const char* to,
                                                      size_t to_length);
/* certkit_keystore_unlock_key opens a locked key entry with its own key
 * password (CERTKIT_ERROR_BAD_KEY_PASSWORD when wrong). */
CERTKIT_EXPORT CertkitError certkit_keystore_unlock_key(CertkitKeystore* store,
                                                        const char* alias,
                                                        const char* key_password);
CERTKIT_EXPORT CertkitError certkit_keystore_unlock_key_n(CertkitKeystore* store,
                                                          const char* alias,
                                                          size_t alias_length,
                                                          const char* key_password,
                                                          size_t key_password_length);
/* certkit_keystore_merge copies every entry of |other| (keytool
 * -importkeystore); a clash is CERTKIT_ERROR_ALREADY_EXISTS unless |overwrite|. */
CERTKIT_EXPORT CertkitError certkit_keystore_merge(CertkitKeystore* store,
                                                   const CertkitKeystore* other, int overwrite);
/* certkit_keystore_trusted_certs: every trusted-certificate entry's cert. */
CERTKIT_EXPORT CertkitError certkit_keystore_trusted_certs(const CertkitKeystore* store,
                                                           CertkitCertList** out);
/* certkit_keystore_convert loads |data| and saves it as |out_format| in one
 * step (keytool -importkeystore). */
CERTKIT_EXPORT CertkitError certkit_keystore_convert(const uint8_t* data, size_t data_length,
                                                     const char* in_password,
                                                     CertkitStoreFormat in_format,
                                                     CertkitStoreFormat out_format,
                                                     const char* out_password, unsigned flags,
                                                     uint8_t** out, size_t* out_length);
CERTKIT_EXPORT CertkitError certkit_keystore_convert_n(
    const uint8_t* data, size_t data_length, const char* in_password, size_t in_password_length,
    CertkitStoreFormat in_format, CertkitStoreFormat out_format, const char* out_password,
    size_t out_password_length, unsigned flags, uint8_t** out, size_t* out_length);

/* ------------------------------------------------------------------------ */
/* The driver shim (cass_ssl style)                                         */
/* ------------------------------------------------------------------------ */
/* CertkitSsl holds what a database driver needs for TLS: trusted
 * certificates, the client certificate chain and key, verification flags and
 * protocol versions. It is reference counted: a driver that keeps it calls
 * certkit_ssl_ref(), and the user may call certkit_ssl_free() right away.
 * It is internally locked; configure it before connecting. */

typedef struct CertkitSsl CertkitSsl;

/* Verification flags (combine with |). */
#define CERTKIT_SSL_VERIFY_NONE 0x00
/* Verify the peer's chain against the trusted certificates (default). */
#define CERTKIT_SSL_VERIFY_PEER_CERT 0x01
/* Also check that the peer's certificate names the peer address: an IP
 * address in an iPAddress SAN (a host name in a dNSName SAN). Compatibility:
 * like the DataStax driver, the subject CN is consulted only when the
 * certificate has no subjectAltName extension at all. Implies PEER_CERT. */
#define CERTKIT_SSL_VERIFY_PEER_IDENTITY 0x02
/* Also check that a dNSName SAN matches the host name given (no reverse DNS,
 * no CN fallback). Implies PEER_CERT. */
#define CERTKIT_SSL_VERIFY_PEER_IDENTITY_DNS 0x04

/* Protocol versions (TLS wire values). 0 = library default (TLS 1.2 minimum,
 * TLS 1.3 maximum). */
#define CERTKIT_SSL_VERSION_DEFAULT 0
#define CERTKIT_SSL_VERSION_TLS1_2 0x0303
#define CERTKIT_SSL_VERSION_TLS1_3 0x0304

/* certkit_ssl_new returns a new object with one reference (NULL only when out
 * of memory). certkit_ssl_ref adds a reference and returns |ssl|;
 * certkit_ssl_free drops one (NULL is ignored) and frees on the last. */
CERTKIT_EXPORT CertkitSsl* certkit_ssl_new(void);
CERTKIT_EXPORT CertkitSsl* certkit_ssl_ref(CertkitSsl* ssl);
CERTKIT_EXPORT void certkit_ssl_free(CertkitSsl* ssl);

/* certkit_ssl_add_trusted_cert adds every certificate of a PEM bundle (or one
 * DER certificate); calls accumulate. Zero certificates is
 * CERTKIT_ERROR_MALFORMED. */
/* certkit_ssl_add_crl adds a certificate revocation list (PEM or DER;
 * copied) that every later peer verification of |ssl| consults: a peer
 * certificate it lists fails the handshake with CERTKIT_ERROR_CERT_REVOKED.
 * An unparsable CRL is CERTKIT_ERROR_MALFORMED and is not added. */
CERTKIT_EXPORT CertkitError certkit_ssl_add_crl(CertkitSsl* ssl, const uint8_t* crl,
                                                size_t crl_length);
CERTKIT_EXPORT CertkitError certkit_ssl_add_trusted_cert(CertkitSsl* ssl, const char* cert);
CERTKIT_EXPORT CertkitError certkit_ssl_add_trusted_cert_n(CertkitSsl* ssl, const char* cert,
                                                           size_t cert_length);
/* certkit_ssl_add_trusted_keystore adds every certificate of a trust store
 * (JKS, PKCS#12, PEM; trusted entries, and the chains of key entries). */
CERTKIT_EXPORT CertkitError certkit_ssl_add_trusted_keystore(CertkitSsl* ssl,
                                                             const uint8_t* data,
                                                             size_t data_length,
                                                             const char* password);
CERTKIT_EXPORT CertkitError certkit_ssl_add_trusted_keystore_n(CertkitSsl* ssl,
                                                               const uint8_t* data,
                                                               size_t data_length,
                                                               const char* password,
                                                               size_t password_length);

/* certkit_ssl_set_verify_flags sets CERTKIT_SSL_VERIFY_* (NULL ignored). */
CERTKIT_EXPORT void certkit_ssl_set_verify_flags(CertkitSsl* ssl, int flags);
CERTKIT_EXPORT int certkit_ssl_get_verify_flags(const CertkitSsl* ssl);

/* certkit_ssl_set_cert sets the client certificate and its chain (leaf first)
 * from one PEM buffer. */
CERTKIT_EXPORT CertkitError certkit_ssl_set_cert(CertkitSsl* ssl, const char* cert);
CERTKIT_EXPORT CertkitError certkit_ssl_set_cert_n(CertkitSsl* ssl, const char* cert,
                                                   size_t cert_length);
/* certkit_ssl_set_private_key sets the client key (PKCS#1, SEC 1, PKCS#8,
 * encrypted or not). A wrong or missing password is
 * CERTKIT_ERROR_BAD_PASSWORD; a key that does not match a certificate set
 * earlier is CERTKIT_ERROR_KEY_MISMATCH (and is not kept). */
CERTKIT_EXPORT CertkitError certkit_ssl_set_private_key(CertkitSsl* ssl, const char* key,
                                                        const char* password);
CERTKIT_EXPORT CertkitError certkit_ssl_set_private_key_n(CertkitSsl* ssl, const char* key,
                                                          size_t key_length,
                                                          const char* password,
                                                          size_t password_length);
/* certkit_ssl_set_keystore takes the key and chain of key entry |alias|
 * (NULL: the only key entry) straight from a JKS/PKCS#12/PEM key store.
 * |key_password| NULL means the store password. */
CERTKIT_EXPORT CertkitError certkit_ssl_set_keystore(CertkitSsl* ssl, const uint8_t* data,
                                                     size_t data_length,
                                                     const char* store_password,
                                                     const char* key_password,
                                                     const char* alias);
CERTKIT_EXPORT CertkitError certkit_ssl_set_keystore_n(
    CertkitSsl* ssl, const uint8_t* data, size_t data_length, const char* store_password,
    size_t store_password_length, const char* key_password, size_t key_password_length,
    const char* alias, size_t alias_length);

/* certkit_ssl_set_min_protocol_version / _max_: CERTKIT_SSL_VERSION_*;
 * anything else is CERTKIT_ERROR_INVALID_ARGUMENT (TLS < 1.2 is refused). */
CERTKIT_EXPORT CertkitError certkit_ssl_set_min_protocol_version(CertkitSsl* ssl, int version);
CERTKIT_EXPORT CertkitError certkit_ssl_set_max_protocol_version(CertkitSsl* ssl, int version);

/* certkit_ssl_verify_peer applies the verification flags to a peer chain as
 * received in a handshake (|ders|[0] is the leaf, |count| DER certificates)
 * for drivers with their own TLS stack. |peer| is the peer's IP address
 * (PEER_IDENTITY) or host name (PEER_IDENTITY_DNS); it may be NULL when no
 * identity flag is set. The peer is expected to be a TLS server
 * (serverAuth when it carries an EKU). Identity checks never skip the chain
 * check. */
CERTKIT_EXPORT CertkitError certkit_ssl_verify_peer(const CertkitSsl* ssl,
                                                    const uint8_t* const* ders,
                                                    const size_t* der_lengths, size_t count,
                                                    const char* peer);
CERTKIT_EXPORT CertkitError certkit_ssl_verify_peer_n(const CertkitSsl* ssl,
                                                      const uint8_t* const* ders,
                                                      const size_t* der_lengths, size_t count,
                                                      const char* peer, size_t peer_length);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* CERTKIT_CERTKIT_H_ */
