# Project-wide compile options and the sanitizer switch.
option(CERTKIT_SANITIZE "Build with -fsanitize=address,undefined" OFF)
option(CERTKIT_BUILD_TESTS "Build the Catch2 tests" ON)
option(CERTKIT_BUILD_BENCH "Build the Google Benchmark programs" ON)
option(CERTKIT_BUILD_CLI "Build the certkit command-line tool" ON)
option(CERTKIT_TSAN "Build with -fsanitize=thread (scripts/ci-tsan.sh)" OFF)
option(CERTKIT_FUZZ "Build the libFuzzer targets in fuzz/ (clang; implies ASan+UBSan)" OFF)

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
