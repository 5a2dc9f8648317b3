# Project-wide compile options and the sanitizer switch.
option(CERTKIT_SANITIZE "Build with -fsanitize=address,undefined" OFF)
# Tests and benchmarks (and anything else that needs tools a consumer may not
# have: Catch2, Google Benchmark, fuzzers) are built by default only when
# certkit is the top-level project, not when it is a subproject
# (add_subdirectory / FetchContent).
option(CERTKIT_BUILD_TESTS "Build the Catch2 tests" ${PROJECT_IS_TOP_LEVEL})
option(CERTKIT_BUILD_BENCH "Build the Google Benchmark programs" ${PROJECT_IS_TOP_LEVEL})
option(CERTKIT_BUILD_CLI "Build the certkit command-line tool" ON)

add_library(certkit_warnings INTERFACE)
target_compile_options(certkit_warnings INTERFACE -Wall -Wextra -Wno-unused-parameter)

if(CERTKIT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
