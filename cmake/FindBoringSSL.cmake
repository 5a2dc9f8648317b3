# FindBoringSSL
# -------------
# Locates BoringSSL and defines the imported targets BoringSSL::crypto and
# BoringSSL::ssl.
#
# Search order:
#   1. BORINGSSL_ROOT (cache variable or environment): a BoringSSL source tree
#      with a build directory (include/ + build/{crypto,ssl}/ or build/), or an
#      install prefix (include/ + lib/).
#   2. Debian's android-libboringssl-dev: headers under /usr/include/android,
#      libraries under /usr/lib/<multiarch>/android.
#
# Result variables: BoringSSL_FOUND, BoringSSL_INCLUDE_DIR,
# BoringSSL_CRYPTO_LIBRARY, BoringSSL_SSL_LIBRARY, BoringSSL_LIBRARY_DIR.

set(BORINGSSL_ROOT "${BORINGSSL_ROOT}" CACHE PATH "BoringSSL source/build tree or install prefix")
if(NOT BORINGSSL_ROOT AND DEFINED ENV{BORINGSSL_ROOT})
  set(BORINGSSL_ROOT "$ENV{BORINGSSL_ROOT}")
endif()

set(_bssl_multiarch "${CMAKE_LIBRARY_ARCHITECTURE}")
if(NOT _bssl_multiarch)
  execute_process(COMMAND dpkg-architecture -qDEB_HOST_MULTIARCH
                  OUTPUT_VARIABLE _bssl_multiarch OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET)
endif()

if(BORINGSSL_ROOT)
  find_path(BoringSSL_INCLUDE_DIR openssl/is_boringssl.h
            PATHS "${BORINGSSL_ROOT}/include" NO_DEFAULT_PATH)
  set(_bssl_lib_hints "${BORINGSSL_ROOT}/lib" "${BORINGSSL_ROOT}/build"
      "${BORINGSSL_ROOT}/build/crypto" "${BORINGSSL_ROOT}/build/ssl")
  find_library(BoringSSL_CRYPTO_LIBRARY NAMES crypto PATHS ${_bssl_lib_hints} NO_DEFAULT_PATH)
  find_library(BoringSSL_SSL_LIBRARY NAMES ssl PATHS ${_bssl_lib_hints} NO_DEFAULT_PATH)
else()
  find_path(BoringSSL_INCLUDE_DIR openssl/is_boringssl.h
            PATHS /usr/include/android NO_DEFAULT_PATH)
  set(_bssl_lib_hints "/usr/lib/${_bssl_multiarch}/android")
  # Debian ships only the versioned runtime plus an unversioned dev symlink.
  find_library(BoringSSL_CRYPTO_LIBRARY NAMES crypto libcrypto.so.0 PATHS ${_bssl_lib_hints} NO_DEFAULT_PATH)
  find_library(BoringSSL_SSL_LIBRARY NAMES ssl libssl.so.0 PATHS ${_bssl_lib_hints} NO_DEFAULT_PATH)
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(BoringSSL
  REQUIRED_VARS BoringSSL_INCLUDE_DIR BoringSSL_CRYPTO_LIBRARY BoringSSL_SSL_LIBRARY
  REASON_FAILURE_MESSAGE "install android-libboringssl-dev (scripts/install-deps.sh) or pass -DBORINGSSL_ROOT=<dir>")

if(BoringSSL_FOUND)
  get_filename_component(BoringSSL_LIBRARY_DIR "${BoringSSL_CRYPTO_LIBRARY}" DIRECTORY)
  if(NOT TARGET BoringSSL::crypto)
    add_library(BoringSSL::crypto UNKNOWN IMPORTED)
    set_target_properties(BoringSSL::crypto PROPERTIES
      IMPORTED_LOCATION "${BoringSSL_CRYPTO_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${BoringSSL_INCLUDE_DIR}")
  endif()
  if(NOT TARGET BoringSSL::ssl)
    add_library(BoringSSL::ssl UNKNOWN IMPORTED)
    set_target_properties(BoringSSL::ssl PROPERTIES
      IMPORTED_LOCATION "${BoringSSL_SSL_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${BoringSSL_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES BoringSSL::crypto)
  endif()
endif()
mark_as_advanced(BoringSSL_INCLUDE_DIR BoringSSL_CRYPTO_LIBRARY BoringSSL_SSL_LIBRARY)
