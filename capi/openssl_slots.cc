// capi/openssl_slots.cc: the process-wide ex-data slot numbers of
// certkit_openssl.h (see certkit_openssl_ex_slots in certkit.h). The header
// is compiled into every translation unit of a driver that includes it; the
// slots it keeps its state in must be the same in all of them, so they are
// owned here, in the one libcertkit of the process.
#include <mutex>

#include "absl/strings/str_cat.h"
#include "capi/internal.h"

namespace {

struct Slots {
  std::mutex mu;
  bool set = false;
  uint32_t layout = 0;
  int ctx_index = -1;
  int ssl_index = -1;
};

Slots& TheSlots() {
  static Slots* slots = new Slots;  // never destroyed: used until exit
  return *slots;
}

CertkitError ClaimSlots(uint32_t layout, CertkitOpensslSlotAllocator allocate, int* ctx_index,
                        int* ssl_index);

}  // namespace

extern "C" CertkitError certkit_openssl_ex_slots(uint32_t layout,
                                                 CertkitOpensslSlotAllocator allocate,
                                                 int* ctx_index, int* ssl_index) {
  using certkit::capi::ReportCode;
  if (ctx_index == nullptr || ssl_index == nullptr) {
    return ReportCode(CERTKIT_ERROR_NULL_ARGUMENT,
                      ctx_index == nullptr ? "required argument 'ctx_index' is NULL"
                                           : "required argument 'ssl_index' is NULL");
  }
  try {
    return ClaimSlots(layout, allocate, ctx_index, ssl_index);
  } catch (...) {  // std::system_error from the lock, std::bad_alloc
    return ReportCode(CERTKIT_ERROR_OUT_OF_MEMORY, "could not claim the ex-data slots");
  }
}

namespace {

CertkitError ClaimSlots(uint32_t layout, CertkitOpensslSlotAllocator allocate, int* ctx_index,
                        int* ssl_index) {
  using certkit::capi::ReportCode;
  Slots& slots = TheSlots();
  std::lock_guard<std::mutex> lock(slots.mu);
  if (!slots.set) {
    if (allocate == nullptr) {
      return ReportCode(CERTKIT_ERROR_NULL_ARGUMENT, "required argument 'allocate' is NULL");
    }
    int ctx = -1, ssl = -1;
    if (!allocate(&ctx, &ssl) || ctx < 0 || ssl < 0) {
      return ReportCode(CERTKIT_ERROR_OUT_OF_MEMORY,
                        "the TLS library could not allocate ex-data slots for certkit_openssl.h");
    }
    slots.set = true;
    slots.layout = layout;
    slots.ctx_index = ctx;
    slots.ssl_index = ssl;
  } else if (slots.layout != layout) {
    return ReportCode(
        CERTKIT_ERROR_INVALID_ARGUMENT,
        absl::StrCat("certkit_openssl.h of state layout ", layout,
                     " used in a process whose first user had layout ", slots.layout,
                     ": compile every file of the driver against the same certkit headers"));
  }
  *ctx_index = slots.ctx_index;
  *ssl_index = slots.ssl_index;
  return ReportCode(CERTKIT_OK, "");
}

}  // namespace
