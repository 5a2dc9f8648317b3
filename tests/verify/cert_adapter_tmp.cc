// tests/verify/cert_adapter_tmp.cc: TEMPORARY stand-in for the reference
// handling of certkit::Certificate until lib/core/cert.cc lands (the
// CMakeLists only compiles this file while that source does not exist).
#include "certkit/cert.h"
#include "openssl/x509.h"

namespace certkit {
Certificate::Certificate(X509* x509) : x509_(x509) { X509_up_ref(x509_); }
Certificate::Certificate(const Certificate& o) : x509_(o.x509_) { X509_up_ref(x509_); }
Certificate& Certificate::operator=(const Certificate& o) {
  X509_up_ref(o.x509_);
  X509_free(x509_);
  x509_ = o.x509_;
  return *this;
}
Certificate::Certificate(Certificate&& o) noexcept : x509_(o.x509_) { X509_up_ref(x509_); }
Certificate& Certificate::operator=(Certificate&& o) noexcept { return *this = static_cast<const Certificate&>(o); }
Certificate::~Certificate() { X509_free(x509_); }
}  // namespace certkit
