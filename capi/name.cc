// capi/name.cc: the certkit_name_* functions.
#include "absl/strings/match.h"
#include "capi/internal.h"

using certkit::capi::Guard;
using certkit::capi::Len;
using certkit::capi::New;
using certkit::capi::OutputText;
using certkit::capi::Text;

extern "C" {

CertkitError certkit_name_new(CertkitName** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(out);
    *out = New<CertkitName>();
    return absl::OkStatus();
  });
}

CertkitError certkit_name_parse_n(const char* text, size_t text_length, CertkitName** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(out);
    CK_ASSIGN(absl::string_view view, Text(text, text_length, "text"));
    CK_ASSIGN(certkit::DistinguishedName name, certkit::DistinguishedName::Parse(view));
    *out = New<CertkitName>(std::move(name));
    return absl::OkStatus();
  });
}

CertkitError certkit_name_parse(const char* text, CertkitName** out) {
  return certkit_name_parse_n(text, Len(text), out);
}

void certkit_name_free(CertkitName* name) { delete name; }

CertkitError certkit_name_to_string(const CertkitName* name, CertkitNameStyle style, char** out,
                                    size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(name);
    switch (certkit::capi::EnumValue(style)) {
      case CERTKIT_NAME_RFC4514: return OutputText(name->name.ToRfc4514(), out, out_length);
      case CERTKIT_NAME_SLASH: return OutputText(name->name.ToSlash(), out, out_length);
    }
    return certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                              "unknown name style " +
                                  std::to_string(certkit::capi::EnumValue(style)));
  });
}

CertkitError certkit_name_get_n(const CertkitName* name, const char* type, size_t type_length,
                                char** out, size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(name);
    CK_ASSIGN(absl::string_view wanted, Text(type, type_length, "type"));
    // Get() returns "" both for "absent" and "empty"; look for presence first.
    bool present = false;
    std::string probe_value = name->name.Get(wanted);
    for (const certkit::NameAttribute& attribute : name->name.rdns()) {
      certkit::DistinguishedName single({attribute});
      if (!single.Get(wanted).empty() || (attribute.value.empty() &&
                                          absl::EqualsIgnoreCase(attribute.type, wanted))) {
        present = true;
        break;
      }
    }
    if (!present) {
      return certkit::MakeError(certkit::ErrorKind::kNotFound,
                                "the name has no attribute '" + std::string(wanted) + "'");
    }
    return OutputText(probe_value, out, out_length);
  });
}

CertkitError certkit_name_get(const CertkitName* name, const char* type, char** out,
                              size_t* out_length) {
  return certkit_name_get_n(name, type, Len(type), out, out_length);
}

CertkitError certkit_name_set_n(CertkitName* name, const char* type, size_t type_length,
                                const char* value, size_t value_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(name);
    CK_ASSIGN(absl::string_view type_view, Text(type, type_length, "type"));
    CK_ASSIGN(absl::string_view value_view, Text(value, value_length, "value"));
    if (type_view.empty()) {
      return certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                                "the attribute type is empty");
    }
    name->name.Set(type_view, value_view);
    return absl::OkStatus();
  });
}

CertkitError certkit_name_set(CertkitName* name, const char* type, const char* value) {
  return certkit_name_set_n(name, type, Len(type), value, Len(value));
}

CertkitError certkit_name_count(const CertkitName* name, size_t* out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(name);
    CK_REQUIRE(out);
    *out = name->name.rdns().size();
    return absl::OkStatus();
  });
}

CertkitError certkit_name_attribute(const CertkitName* name, size_t index, char** type_out,
                                    char** value_out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(name);
    if (type_out == nullptr && value_out == nullptr) {
      return certkit::capi::NullArgument("type_out and value_out");
    }
    const auto& rdns = name->name.rdns();
    if (index >= rdns.size()) {
      return certkit::MakeError(certkit::ErrorKind::kLimitExceeded,
                                "attribute index " + std::to_string(index) +
                                    " is out of range (the name has " +
                                    std::to_string(rdns.size()) + ")");
    }
    char* type_buffer = nullptr;
    if (type_out != nullptr) {
      CK_RETURN_IF_ERROR(OutputText(rdns[index].type, &type_buffer, nullptr));
    }
    if (value_out != nullptr) {
      absl::Status status = OutputText(rdns[index].value, value_out, nullptr);
      if (!status.ok()) {
        certkit_buffer_free(type_buffer);
        return status;
      }
    }
    if (type_out != nullptr) *type_out = type_buffer;
    return absl::OkStatus();
  });
}

}  // extern "C"
