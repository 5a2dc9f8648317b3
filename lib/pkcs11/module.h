// lib/pkcs11/module.h (internal): a loaded PKCS#11 module and the helpers
// around the Cryptoki calls certkit makes (PKCS#11 v2.40, through p11-kit's
// pkcs11.h in its GNU naming: struct ck_function_list, ck_rv_t, ...).
#ifndef CERTKIT_LIB_PKCS11_MODULE_H_
#define CERTKIT_LIB_PKCS11_MODULE_H_

#define CRYPTOKI_GNU 1
#include <p11-kit/pkcs11.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace certkit {
namespace pkcs11 {

// Module is one dlopen()ed PKCS#11 library. Opened once per path per
// process (C_Initialize is process-wide): Open returns the same Module to
// every caller while one is alive; the last owner's release calls
// C_Finalize (when certkit was the one that initialized it) and dlclose.
class Module {
 public:
  // Open loads |path|: kNotFound when the file does not exist,
  // kInvalidArgument when it cannot be loaded or has no C_GetFunctionList
  // (not a PKCS#11 module), kIo when C_Initialize fails.
  static absl::StatusOr<std::shared_ptr<Module>> Open(const std::string& path);
  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  struct ck_function_list* fn() const { return fn_; }
  const std::string& path() const { return path_; }

 private:
  Module() = default;
  std::string path_;
  void* handle_ = nullptr;
  struct ck_function_list* fn_ = nullptr;
  bool finalize_ = false;  // certkit's C_Initialize succeeded
};

// RvName returns "CKR_PIN_INCORRECT" etc. ("CKR_0x..." for unknown codes).
std::string RvName(ck_rv_t rv);

// CkError is kIo "<what> failed: <CKR name>".
absl::Status CkError(absl::string_view what, ck_rv_t rv);

// Padded returns a CK_TOKEN_INFO text field without its padding spaces.
std::string Padded(const unsigned char* field, size_t size);

}  // namespace pkcs11
}  // namespace certkit

#endif  // CERTKIT_LIB_PKCS11_MODULE_H_
