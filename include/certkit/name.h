// certkit/name.h: X.500 distinguished names and subject alternative names.
#ifndef CERTKIT_NAME_H_
#define CERTKIT_NAME_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "openssl/base.h"
#include "openssl/x509.h"

namespace certkit {

// One attribute of a DN. |type| is the short name certkit knows (CN, OU, O,
// L, ST, C, DC, emailAddress, serialNumber) or a dotted OID ("2.5.4.12").
struct NameAttribute {
  std::string type;
  std::string value;  // UTF-8
  bool operator==(const NameAttribute& o) const { return type == o.type && value == o.value; }
};

// DistinguishedName keeps RDNs in DER order (index 0 is encoded first), one
// attribute per RDN. Two text forms:
//  * RFC 4514 / keytool: "CN=a, OU=b, O=c, C=US" lists RDNs last-to-first,
//    exactly as Java's X500Name and keytool -dname do, so the string a user
//    copies from keytool produces the same DER keytool would.
//  * OpenSSL slash form: "/CN=a/OU=b/C=US/" lists RDNs in DER order, as
//    openssl req -subj does. A trailing slash is allowed.
// Encoding: C (and serialNumber) as PrintableString, everything else as
// UTF8String, emailAddress and DC as IA5String.
class DistinguishedName {
 public:
  DistinguishedName() = default;
  explicit DistinguishedName(std::vector<NameAttribute> rdns) : rdns_(std::move(rdns)) {}

  // Parse detects the form: text starting with '/' is the slash form,
  // anything else RFC 4514. Supports '\,' '\+' '\"' '\\' '\=' '\#' and '\XX'
  // hex escapes, quoted values ("O=\"a, b\""), and the '#<hex>' DER form.
  // Multi-valued RDNs ('+') fail with kUnsupported; bad escapes, unknown
  // attribute names, empty types, a value with an embedded NUL ("\00") and
  // an empty DN fail with kInvalidArgument naming the offending position.
  static absl::StatusOr<DistinguishedName> Parse(absl::string_view text);
  static absl::StatusOr<DistinguishedName> ParseRfc4514(absl::string_view text);
  static absl::StatusOr<DistinguishedName> ParseSlash(absl::string_view text);
  // FromX509Name copies |name|. Fails with kUnsupported for multi-valued RDNs.
  static absl::StatusOr<DistinguishedName> FromX509Name(const X509_NAME* name);
  // FromX509NameFlattened copies |name| for display and policy checks: the
  // attributes of a multi-valued RDN become consecutive RDNs, and a value
  // that cannot be decoded to UTF-8 is kept as "#" + hex of its bytes.
  static DistinguishedName FromX509NameFlattened(const X509_NAME* name);

  // ToRfc4514 prints "CN=a, OU=b, C=US" (keytool's separator ", "), escaping
  // as RFC 4514 requires. ToSlash prints "/C=US/OU=b/CN=a".
  std::string ToRfc4514() const;
  std::string ToSlash() const;

  // ToX509Name builds a new X509_NAME owned by the caller.
  absl::StatusOr<bssl::UniquePtr<X509_NAME>> ToX509Name() const;
  // ToDer encodes the name as DER exactly as ToX509Name's X509_NAME encodes
  // (same string types, one attribute per RDN), without building one.
  // kInvalidArgument as ToX509Name.
  absl::StatusOr<std::vector<uint8_t>> ToDer() const;

  const std::vector<NameAttribute>& rdns() const { return rdns_; }
  bool empty() const { return rdns_.empty(); }

  // Get returns the value of the last attribute of |type| (case-insensitive
  // short name or OID), or "" when absent. CommonName() is Get("CN").
  std::string Get(absl::string_view type) const;
  std::string CommonName() const { return Get("CN"); }
  // Set replaces every attribute of |type| with one value (appended at the
  // end when absent).
  void Set(absl::string_view type, absl::string_view value);

  bool operator==(const DistinguishedName& o) const { return rdns_ == o.rdns_; }
  bool operator!=(const DistinguishedName& o) const { return !(*this == o); }

 private:
  std::vector<NameAttribute> rdns_;
};

// One subjectAltName entry.
struct SubjectAltName {
  enum class Type { kDns, kIp, kEmail, kUri };
  Type type;
  std::string value;  // IPs in canonical text form ("10.0.0.1", "::1")

  // Host classifies |host| as an IP SAN (IPv4 dotted quad or IPv6, brackets
  // allowed) or a DNS SAN. Fails with kInvalidArgument for empty input or a
  // string that is neither (spaces, empty labels, labels > 63 chars).
  static absl::StatusOr<SubjectAltName> Host(absl::string_view host);
  static SubjectAltName Dns(absl::string_view v) { return {Type::kDns, std::string(v)}; }
  static SubjectAltName Email(absl::string_view v) { return {Type::kEmail, std::string(v)}; }
  static SubjectAltName Uri(absl::string_view v) { return {Type::kUri, std::string(v)}; }
  // Ip parses and canonicalizes an IPv4/IPv6 address (kInvalidArgument otherwise).
  static absl::StatusOr<SubjectAltName> Ip(absl::string_view v);

  // ToString gives the OpenSSL config form: "DNS:x", "IP:1.2.3.4",
  // "email:a@b", "URI:u".
  std::string ToString() const;
  bool operator==(const SubjectAltName& o) const { return type == o.type && value == o.value; }
};

// ParseSubjectAltNames parses "DNS:a,IP:1.2.3.4,email:x@y,URI:u"; a bare
// entry without prefix is classified with SubjectAltName::Host.
absl::StatusOr<std::vector<SubjectAltName>> ParseSubjectAltNames(absl::string_view text);

}  // namespace certkit

#endif  // CERTKIT_NAME_H_
