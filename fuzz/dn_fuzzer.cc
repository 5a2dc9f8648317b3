// Distinguished names in both text forms (RFC 4514 / keytool and OpenSSL's
// slash form): a name that parses prints to text that parses back to it, in
// both forms, and encodes to DER that decodes back to it.
#include "certkit/name.h"
#include "fuzz_common.h"
#include "openssl/x509.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using certkit_fuzz::Require;
  using certkit::DistinguishedName;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto parse : {&DistinguishedName::ParseRfc4514, &DistinguishedName::ParseSlash}) {
    auto dn = parse(text);
    if (!dn.ok()) continue;
    auto rfc = DistinguishedName::ParseRfc4514(dn->ToRfc4514());
    Require(rfc.ok() && *rfc == *dn, "RFC 4514 round trip: " + dn->ToRfc4514());
    auto slash = DistinguishedName::ParseSlash(dn->ToSlash());
    Require(slash.ok() && *slash == *dn, "slash round trip: " + dn->ToSlash());
    auto x509 = dn->ToX509Name();
    if (x509.ok()) {
      auto back = DistinguishedName::FromX509Name(x509->get());
      Require(back.ok(), "X509_NAME does not decode");
      auto again = back->ToX509Name();
      Require(again.ok() && X509_NAME_cmp(again->get(), x509->get()) == 0, "X509_NAME round trip");
    }
  }
  return 0;
}
