# Project-wide compile options and the sanitizer switch.
option(CERTKIT_SANITIZE "Build with -fsanitize=address,undefined" OFF)
option(CERTKIT_BUILD_TESTS "Build the Catch2 tests" ON)
option(CERTKIT_BUILD_BENCH "Build the Google Benchmark programs" ON)
option(CERTKIT_BUILD_CLI "Build the certkit command-line tool" ON)

add_library(certkit_warnings INTERFACE)
target_compile_options(certkit_warnings INTERFACE -Wall -Wextra -Wno-unused-parameter)

if(CERTKIT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
