#include "pkcs11/module.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <map>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "certkit/display.h"
#include "certkit/error.h"

namespace certkit {
namespace pkcs11 {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int kDeepBind = 0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
constexpr int kDeepBind = 0;
#else
constexpr int kDeepBind = RTLD_DEEPBIND;
#endif
#else
constexpr int kDeepBind = RTLD_DEEPBIND;
#endif

// Modules alive in this process, by path (C_Initialize is per process: a
// second Module for the same library would see
// CKR_CRYPTOKI_ALREADY_INITIALIZED and its C_Finalize would pull the
// library from under the first).
std::mutex& RegistryMutex() {
  static std::mutex* mu = new std::mutex;
  return *mu;
}
std::map<std::string, std::weak_ptr<Module>>& Registry() {
  static auto* registry = new std::map<std::string, std::weak_ptr<Module>>;
  return *registry;
}

}  // namespace

std::string RvName(ck_rv_t rv) {
  switch (rv) {
#define CK_NAME(x) \
  case x:          \
    return #x;
    CK_NAME(CKR_OK)
    CK_NAME(CKR_CANCEL)
    CK_NAME(CKR_HOST_MEMORY)
    CK_NAME(CKR_SLOT_ID_INVALID)
    CK_NAME(CKR_GENERAL_ERROR)
    CK_NAME(CKR_FUNCTION_FAILED)
    CK_NAME(CKR_ARGUMENTS_BAD)
    CK_NAME(CKR_ATTRIBUTE_SENSITIVE)
    CK_NAME(CKR_ATTRIBUTE_TYPE_INVALID)
    CK_NAME(CKR_DEVICE_ERROR)
    CK_NAME(CKR_DEVICE_MEMORY)
    CK_NAME(CKR_DEVICE_REMOVED)
    CK_NAME(CKR_FUNCTION_NOT_SUPPORTED)
    CK_NAME(CKR_KEY_HANDLE_INVALID)
    CK_NAME(CKR_KEY_TYPE_INCONSISTENT)
    CK_NAME(CKR_KEY_FUNCTION_NOT_PERMITTED)
    CK_NAME(CKR_MECHANISM_INVALID)
    CK_NAME(CKR_MECHANISM_PARAM_INVALID)
    CK_NAME(CKR_OBJECT_HANDLE_INVALID)
    CK_NAME(CKR_OPERATION_ACTIVE)
    CK_NAME(CKR_OPERATION_NOT_INITIALIZED)
    CK_NAME(CKR_PIN_INCORRECT)
    CK_NAME(CKR_PIN_INVALID)
    CK_NAME(CKR_PIN_LEN_RANGE)
    CK_NAME(CKR_PIN_EXPIRED)
    CK_NAME(CKR_PIN_LOCKED)
    CK_NAME(CKR_SESSION_CLOSED)
    CK_NAME(CKR_SESSION_COUNT)
    CK_NAME(CKR_SESSION_HANDLE_INVALID)
    CK_NAME(CKR_TOKEN_NOT_PRESENT)
    CK_NAME(CKR_TOKEN_NOT_RECOGNIZED)
    CK_NAME(CKR_USER_ALREADY_LOGGED_IN)
    CK_NAME(CKR_USER_NOT_LOGGED_IN)
    CK_NAME(CKR_USER_PIN_NOT_INITIALIZED)
    CK_NAME(CKR_USER_TYPE_INVALID)
    CK_NAME(CKR_DATA_LEN_RANGE)
    CK_NAME(CKR_BUFFER_TOO_SMALL)
    CK_NAME(CKR_CRYPTOKI_NOT_INITIALIZED)
    CK_NAME(CKR_CRYPTOKI_ALREADY_INITIALIZED)
#undef CK_NAME
    default:
      return absl::StrFormat("CKR_0x%lx", static_cast<unsigned long>(rv));
  }
}

absl::Status CkError(absl::string_view what, ck_rv_t rv) {
  return MakeError(ErrorKind::kIo, absl::StrCat("PKCS#11 ", what, " failed: ", RvName(rv)));
}

std::string Padded(const unsigned char* field, size_t size) {
  std::string s(reinterpret_cast<const char*>(field), size);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

absl::StatusOr<std::shared_ptr<Module>> Module::Open(const std::string& path) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  auto& registry = Registry();
  if (auto it = registry.find(path); it != registry.end()) {
    if (std::shared_ptr<Module> alive = it->second.lock()) return alive;
    registry.erase(it);
  }
  const std::string shown = EscapeForDisplay(path);
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return MakeError(ErrorKind::kNotFound, absl::StrCat("PKCS#11 module '", shown, "' not found"));
  }
  if (!S_ISREG(st.st_mode)) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("PKCS#11 module '", shown, "' is not a regular file"));
  }
  // RTLD_LOCAL: the module's symbols stay its own; RTLD_NOW: a broken
  // module fails here rather than at its first call; RTLD_DEEPBIND: the
  // module binds to its own dependencies first. SoftHSM2 links OpenSSL 3's
  // libcrypto, and a process that also has a BoringSSL with the same
  // unprefixed names in its global scope (a certkit built on Debian's shared
  // BoringSSL) would otherwise hand the module BoringSSL's EVP_* functions:
  // a crash in C_Login. The sanitizer runtimes refuse RTLD_DEEPBIND.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | kDeepBind);
  if (handle == nullptr) {
    const char* why = dlerror();
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("cannot load PKCS#11 module '", shown,
                                  "': ", EscapeForDisplay(why != nullptr ? why : "dlopen failed")));
  }
  auto get_list = reinterpret_cast<ck_rv_t (*)(struct ck_function_list**)>(
      dlsym(handle, "C_GetFunctionList"));
  struct ck_function_list* fn = nullptr;
  if (get_list == nullptr || get_list(&fn) != CKR_OK || fn == nullptr) {
    dlclose(handle);
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("'", shown,
                                  "' is not a PKCS#11 module (no usable C_GetFunctionList)"));
  }
  if (fn->version.major != 2) {
    dlclose(handle);
    return MakeError(ErrorKind::kUnsupported,
                     absl::StrFormat("PKCS#11 module '%s' implements Cryptoki %d.%d; certkit needs 2.x",
                                     shown, fn->version.major, fn->version.minor));
  }
  // The module may use its own threads' locking (certkit calls it from
  // several threads, one session per key, C_Sign serialized per session).
  struct ck_c_initialize_args args = {};
  args.flags = CKF_OS_LOCKING_OK;
  const ck_rv_t rv = fn->C_Initialize(&args);
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
    dlclose(handle);
    return Annotate(CkError("C_Initialize", rv), absl::StrCat("PKCS#11 module '", shown, "'"));
  }
  std::shared_ptr<Module> module(new Module);
  module->path_ = path;
  module->handle_ = handle;
  module->fn_ = fn;
  // Someone else in the process initialized it: leave finalizing to them.
  module->finalize_ = rv == CKR_OK;
  registry[path] = module;
  return module;
}

Module::~Module() {
  // Serialized with Open: a C_Initialize of the same library by a new
  // Module must not run while this one finalizes.
  std::lock_guard<std::mutex> lock(RegistryMutex());
  if (fn_ != nullptr && finalize_) fn_->C_Finalize(nullptr);
  if (handle_ != nullptr) dlclose(handle_);
}

}  // namespace pkcs11
}  // namespace certkit
