// capi/boringssl_removed.cc: the certkit_boringssl_* functions of 0.1, kept
// only so that programs linked against them still load.
//
// They passed a BoringSSL SSL_CTX/SSL from the caller into libcertkit.so,
// which only worked when both sides shared Debian's shared BoringSSL. Now
// libcertkit.so carries its own sealed copy, so a caller's SSL_CTX can never
// be used inside it: each function fails with CERTKIT_ERROR_UNSUPPORTED and
// says what replaces it (the header-only certkit/certkit_openssl.h). They
// are declared in no header.
#include "capi/internal.h"

// The caller's TLS objects, never dereferenced here.
struct ssl_ctx_st;
struct ssl_st;

namespace {

CertkitError Removed(const char* name) {
  return certkit::capi::ReportCode(
      CERTKIT_ERROR_UNSUPPORTED,
      std::string(name) +
          " was removed in certkit 0.2: libcertkit.so now carries a sealed BoringSSL that "
          "cannot share TLS objects with the caller; configure the SSL_CTX with the "
          "header-only certkit/certkit_openssl.h instead");
}

}  // namespace

extern "C" {

CERTKIT_EXPORT CertkitError certkit_boringssl_configure_ctx(CertkitSsl*, ssl_ctx_st*) {
  return Removed("certkit_boringssl_configure_ctx");
}
CERTKIT_EXPORT CertkitError certkit_boringssl_set_peer(ssl_st*, const char*) {
  return Removed("certkit_boringssl_set_peer");
}
CERTKIT_EXPORT CertkitError certkit_boringssl_set_peer_n(ssl_st*, const char*, size_t) {
  return Removed("certkit_boringssl_set_peer_n");
}
CERTKIT_EXPORT CertkitError certkit_boringssl_result(ssl_st*, int) {
  return Removed("certkit_boringssl_result");
}
CERTKIT_EXPORT CertkitError certkit_boringssl_check_connection(const CertkitSsl*, const ssl_st*,
                                                               const char*) {
  return Removed("certkit_boringssl_check_connection");
}

}  // extern "C"
