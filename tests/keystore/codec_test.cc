// Internal building blocks: Java string conventions and the Sun key
// protector (their interop is proven in interop_test.cc).
#include <catch2/catch.hpp>

#include "certkit/error.h"
#include "fixtures.h"
#include "keystore/java_strings.h"
#include "keystore/jks_key_protector.h"

using certkit::ErrorKind;
using certkit::GetErrorKind;
using namespace certkit::keystore;

TEST_CASE("modified UTF-8: NUL as C0 80, non-BMP as two 3-byte surrogates") {
  std::u16string s = u"a";
  s.push_back(0);
  s += u"\U0001F511";
  std::string m = EncodeModifiedUtf8(s);
  CHECK(m == std::string("a\xC0\x80\xED\xA0\xBD\xED\xB4\x91", 9));
  auto back = keystore_test::Unwrap(DecodeModifiedUtf8(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(m.data()), m.size()), "alias"));
  CHECK(back == s);
  const uint8_t bad[] = {0xE0, 0x80};
  CHECK(GetErrorKind(DecodeModifiedUtf8(bad, "alias").status()) == ErrorKind::kMalformed);
  const uint8_t raw_nul[] = {'a', 0};
  CHECK(GetErrorKind(DecodeModifiedUtf8(raw_nul, "alias").status()) == ErrorKind::kMalformed);
}

TEST_CASE("Java lower-casing (Locale.ENGLISH)") {
  CHECK(JavaLowerCase("Node-1.Example") == "node-1.example");
  CHECK(JavaLowerCase("\xC3\x84\xC3\x96\xC3\x9C") == "\xC3\xA4\xC3\xB6\xC3\xBC");  // ÄÖÜ
  CHECK(JavaLowerCase("\xC4\xB0") == "i\xCC\x87");                                  // İ
  CHECK(JavaLowerCase("\xCE\x9F\xCE\xA3") == "\xCE\xBF\xCF\x82");                    // ΟΣ -> ος
  CHECK(JavaLowerCase("\xF0\x90\x90\x80") == "\xF0\x90\x90\xA8");                    // Deseret
}

TEST_CASE("Sun key protector round trip and wrong password") {
  std::vector<uint8_t> key(123);
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i * 7);
  auto epki = keystore_test::Unwrap(SunProtectKey(key, "p\xC3\xA4ss"));
  CHECK(keystore_test::Unwrap(SunRecoverKey(epki, "p\xC3\xA4ss")) == key);
  auto wrong = SunRecoverKey(epki, "pass");
  CHECK(GetErrorKind(wrong.status()) == ErrorKind::kBadKeyPassword);
  std::vector<uint8_t> junk{0x30, 0x03, 0x02, 0x01, 0x00};
  CHECK(GetErrorKind(SunRecoverKey(junk, "pass").status()) == ErrorKind::kMalformed);
}
