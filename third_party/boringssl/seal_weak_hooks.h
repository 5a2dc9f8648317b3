/* Force-included into every BoringSSL source file (third_party/boringssl/CMakeLists.txt).
 *
 * BoringSSL's mem.c looks for optional allocator hooks as weak symbols
 * (OPENSSL_memory_alloc/_free/_get_size, and jemalloc's sdallocx). Declared
 * with default visibility, they stay dynamic imports of libcertkit.so: a
 * process that defines them (another BoringSSL user, jemalloc) would then
 * have its functions called by certkit's sealed copy. Declaring them hidden
 * first resolves them inside libcertkit.so, to NULL. */
#ifndef CERTKIT_SEAL_WEAK_HOOKS_H_
#define CERTKIT_SEAL_WEAK_HOOKS_H_
#include <stddef.h>
#if defined(__ELF__) && defined(__GNUC__)
#ifdef __cplusplus
extern "C" {
#endif
__attribute__((weak, visibility("hidden"))) void* OPENSSL_memory_alloc(size_t size);
__attribute__((weak, visibility("hidden"))) void OPENSSL_memory_free(void* ptr);
__attribute__((weak, visibility("hidden"))) size_t OPENSSL_memory_get_size(void* ptr);
__attribute__((weak, visibility("hidden"))) void sdallocx(void* ptr, size_t size, int flags);
#ifdef __cplusplus
}
#endif
#endif
#endif
