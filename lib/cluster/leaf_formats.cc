#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "certkit/cluster.h"
#include "certkit/error.h"

namespace certkit {

absl::StatusOr<LeafFormats> ParseLeafFormats(const std::vector<std::string>& items) {
  LeafFormats f;
  for (const std::string& item : items) {
    for (absl::string_view part : absl::StrSplit(item, ',')) {
      part = absl::StripAsciiWhitespace(part);
      if (part.empty()) continue;
      std::string name = absl::AsciiStrToLower(part);
      if (name == "jks") {
        f.jks = true;
      } else if (name == "p12" || name == "pkcs12") {
        f.p12 = true;
        name = "p12";
      } else if (name == "k8s" || name == "kubernetes") {
        f.k8s = true;
        name = "k8s";
      } else if (name != "pem") {
        return MakeError(ErrorKind::kInvalidArgument,
                         absl::StrCat("unknown format '", part, "' (use pem, jks, p12, k8s)"));
      }
      f.names.push_back(name);
    }
  }
  return f;
}

}  // namespace certkit
