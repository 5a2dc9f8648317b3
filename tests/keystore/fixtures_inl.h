// Template helpers of fixtures.h.
#ifndef CERTKIT_TESTS_KEYSTORE_FIXTURES_INL_H_
#define CERTKIT_TESTS_KEYSTORE_FIXTURES_INL_H_

#include <catch2/catch.hpp>

namespace keystore_test {

template <typename T>
T Unwrap(absl::StatusOr<T> v) {
  INFO(v.status().ToString());
  REQUIRE(v.ok());
  return std::move(*v);
}

}  // namespace keystore_test

#endif  // CERTKIT_TESTS_KEYSTORE_FIXTURES_INL_H_
