# Project-wide compile options and the sanitizer switch.
option(CERTKIT_SANITIZE "Build with -fsanitize=address,undefined" OFF)
# Tests and benchmarks (and anything else that needs tools a consumer may not
# have: Catch2, Google Benchmark, fuzzers) are built by default only when
# certkit is the top-level project, not when it is a subproject
# (add_subdirectory / FetchContent).
option(CERTKIT_BUILD_TESTS "Build the Catch2 tests" ${PROJECT_IS_TOP_LEVEL})
option(CERTKIT_BUILD_BENCH "Build the Google Benchmark programs" ${PROJECT_IS_TOP_LEVEL})
option(CERTKIT_BUILD_CLI "Build the certkit command-line tool" ON)
option(CERTKIT_TSAN "Build with -fsanitize=thread (scripts/ci-tsan.sh)" OFF)
option(CERTKIT_FUZZ "Build the libFuzzer targets in fuzz/ (clang; implies ASan+UBSan)" OFF)
option(CERTKIT_SYSTEM_BORINGSSL
  "Link Debian's shared android-libboringssl instead of building BoringSSL from source (libcertkit.so is then not sealed)" OFF)
option(CERTKIT_SYSTEM_ABSEIL
  "Link Debian's shared libabsl instead of building abseil from source (libcertkit.so then needs libabsl_*.so)" OFF)
# Where scripts/fetch-sources.sh put the Debian source packages (an
# environment variable of the same name overrides the default).
foreach(_dep BORINGSSL ABSEIL)
  string(TOLOWER "${_dep}" _dir)
  set(CERTKIT_${_dep}_SOURCE_DIR "$ENV{CERTKIT_${_dep}_SOURCE_DIR}" CACHE PATH
    "${_dir} source tree (a Debian source package fetched by scripts/fetch-sources.sh)")
  if(NOT CERTKIT_${_dep}_SOURCE_DIR)
    set(CERTKIT_${_dep}_SOURCE_DIR "${PROJECT_SOURCE_DIR}/third_party/${_dir}/src" CACHE PATH "" FORCE)
  endif()
endforeach()

add_library(certkit_warnings INTERFACE)
target_compile_options(certkit_warnings INTERFACE -Wall -Wextra -Wno-unused-parameter)

if(CERTKIT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "CERTKIT_FUZZ needs clang: CC=clang CXX=clang++ cmake -DCERTKIT_FUZZ=ON ...")
  endif()
  # Coverage for libFuzzer everywhere; the targets link -fsanitize=fuzzer.
  add_compile_options(-fsanitize=fuzzer-no-link)
  set(CERTKIT_SANITIZE ON)
endif()

# abseil's thread_local variables are constant-initialized (ABSL_CONST_INIT);
# without this, every user of absl::Cord imports a weak TLS-init wrapper
# (_ZTH...) that libcertkit.so would leave unresolved and exported to the
# dynamic linker. Applies to abseil (third_party/abseil) and to certkit.
# GCC only: clang has no such flag (the clang builds are the fuzz and TSan
# builds of scripts/ci-fuzz.sh and scripts/ci-tsan.sh).
add_compile_options($<$<AND:$<COMPILE_LANGUAGE:CXX>,$<CXX_COMPILER_ID:GNU>>:-fno-extern-tls-init>)

if(CERTKIT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(CERTKIT_TSAN)
  if(CERTKIT_SANITIZE)
    message(FATAL_ERROR "CERTKIT_TSAN and CERTKIT_SANITIZE (ASan) cannot be combined")
  endif()
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
