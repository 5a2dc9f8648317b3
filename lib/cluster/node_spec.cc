#include "certkit/node_spec.h"

#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "certkit/error.h"
#include "certkit/name.h"

namespace certkit {
namespace {

constexpr char kForm[] = "a node is NAME or NAME=HOST+HOST...";

absl::Status NodeError(absl::string_view text, absl::string_view why) {
  return MakeError(ErrorKind::kInvalidArgument, absl::StrCat("node '", text, "': ", why));
}

// HostKey: what makes two hosts the same (IP canonical form, DNS name
// without case); empty for a host that does not parse.
std::string HostKey(absl::string_view host) {
  auto san = SubjectAltName::Host(host);
  if (!san.ok()) return "";
  if (san->type == SubjectAltName::Type::kIp) return absl::StrCat("IP:", san->value);
  return absl::StrCat("DNS:", absl::AsciiStrToLower(san->value));
}

// SharedHostKeys: the HostKeys of the --san extras every node carries.
std::set<std::string> SharedHostKeys(const std::vector<std::string>& extra_sans) {
  std::set<std::string> shared;
  for (const std::string& extra : extra_sans) {
    auto parsed = ParseSubjectAltNames(extra);
    if (!parsed.ok()) continue;
    for (const SubjectAltName& san : *parsed) shared.insert(HostKey(san.value));
  }
  return shared;
}

}  // namespace

absl::StatusOr<NodeSpec> ParseNodeSpec(absl::string_view text) {
  const absl::string_view t = absl::StripAsciiWhitespace(text);
  if (t.empty()) {
    return MakeError(ErrorKind::kInvalidArgument, absl::StrCat("empty node (", kForm, ")"));
  }
  if (t.find(',') != absl::string_view::npos) {
    return NodeError(t, absl::StrCat("a node's hosts are joined by '+', not ',' (", kForm, ")"));
  }
  const size_t eq = t.find('=');
  if (eq != absl::string_view::npos && t.find('=', eq + 1) != absl::string_view::npos) {
    return NodeError(t, absl::StrCat("more than one '=' (", kForm, ")"));
  }
  NodeSpec spec;
  spec.name = std::string(absl::StripAsciiWhitespace(t.substr(0, eq)));
  if (spec.name.empty()) return NodeError(t, "no name before '='");
  if (eq == absl::string_view::npos && t.find('+') != absl::string_view::npos) {
    return NodeError(t, absl::StrCat("'+' joins hosts after '=' (", kForm, ")"));
  }
  spec.hosts.push_back(spec.name);
  if (eq != absl::string_view::npos) {
    const absl::string_view rest = t.substr(eq + 1);
    if (absl::StripAsciiWhitespace(rest).empty()) return NodeError(t, "no host after '='");
    for (absl::string_view part : absl::StrSplit(rest, '+')) {
      part = absl::StripAsciiWhitespace(part);
      if (part.empty()) return NodeError(t, "an empty host (a leading, trailing or doubled '+')");
      spec.hosts.emplace_back(part);
    }
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < spec.hosts.size(); ++i) {
    const std::string& h = spec.hosts[i];
    auto san = SubjectAltName::Host(h);
    if (!san.ok()) {
      return Annotate(san.status(),
                      absl::StrCat("node '", t, "': ", i == 0 ? "name" : "host", " '", h, "'"));
    }
    if (!seen.insert(HostKey(h)).second) {
      return NodeError(t, absl::StrCat("host '", h, "' is listed twice"));
    }
  }
  return spec;
}

absl::StatusOr<std::vector<std::string>> SplitNodeList(absl::string_view list) {
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(list, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (item.empty()) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("node list '", list, "': node ", items.size() + 1, " is empty"));
    }
    items.emplace_back(item);
  }
  // A bare IP address beside NAME=... items: likely "NAME=IP,IP" meant as
  // one node with two addresses.
  const std::string* named = nullptr;  // the last NAME=... item so far
  const std::string* first_named = nullptr;
  for (const std::string& item : items) {
    if (item.find('=') != std::string::npos && first_named == nullptr) first_named = &item;
  }
  if (first_named == nullptr) return items;
  for (const std::string& item : items) {
    if (item.find('=') != std::string::npos) {
      named = &item;
      continue;
    }
    auto san = SubjectAltName::Host(item);
    if (!san.ok() || san->type != SubjectAltName::Type::kIp) continue;
    const std::string& owner = named != nullptr ? *named : *first_named;
    return MakeError(
        ErrorKind::kInvalidArgument,
        absl::StrCat("node list '", list, "' is ambiguous: the bare address '", item,
                     "' may be meant as another address of '", owner,
                     "'. A node's hosts are joined by '+' (", owner, "+", item,
                     "); a node named by the address alone is given on its own (--node ", item,
                     ")"));
  }
  return items;
}

absl::StatusOr<std::vector<NodeSpec>> ParseNodeSpecs(const std::vector<std::string>& items) {
  std::vector<NodeSpec> specs;
  std::map<std::string, size_t> owner;  // HostKey -> index in |specs|
  std::set<std::string> names;
  for (const std::string& item : items) {
    auto spec = ParseNodeSpec(item);
    if (!spec.ok()) return spec.status();
    if (!names.insert(spec->name).second) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("node '", spec->name, "' is listed twice"));
    }
    for (const std::string& h : spec->hosts) {
      auto it = owner.find(HostKey(h));
      if (it != owner.end()) {
        return MakeError(ErrorKind::kInvalidArgument,
                         absl::StrCat("host '", h, "' is given for two nodes: '",
                                      specs[it->second].name, "' and '", spec->name, "'"));
      }
    }
    for (const std::string& h : spec->hosts) owner[HostKey(h)] = specs.size();
    specs.push_back(*std::move(spec));
  }
  return specs;
}

absl::Status CheckNodeHostsFree(const std::vector<NodeSpec>& nodes, const Manifest& manifest) {
  const std::set<std::string> shared = SharedHostKeys(manifest.extra_sans);
  std::map<std::string, const LeafRecord*> owner;
  for (const LeafRecord& r : manifest.nodes) {
    std::vector<std::string> hosts = r.hosts;
    hosts.push_back(r.name);
    for (const std::string& h : hosts) {
      const std::string key = HostKey(h);
      if (!key.empty() && shared.count(key) == 0) owner.emplace(key, &r);
    }
  }
  for (const NodeSpec& n : nodes) {
    for (const std::string& h : n.hosts) {
      auto it = owner.find(HostKey(h));
      if (it != owner.end()) {
        return MakeError(ErrorKind::kInvalidArgument,
                         absl::StrCat("host '", h, "' of new node '", n.name,
                                      "' is already a host of node '", it->second->name, "'"));
      }
    }
  }
  return absl::OkStatus();
}

std::string NodeDialHost(const LeafRecord& node, const std::vector<std::string>& extra_sans) {
  auto name = SubjectAltName::Host(node.name);
  if (!name.ok()) return node.name;
  if (name->type == SubjectAltName::Type::kIp) return name->value;  // canonical, no brackets
  const std::set<std::string> shared = SharedHostKeys(extra_sans);
  for (const std::string& h : node.hosts) {
    auto san = SubjectAltName::Host(h);
    if (san.ok() && san->type == SubjectAltName::Type::kIp && shared.count(HostKey(h)) == 0) {
      return san->value;
    }
  }
  return node.name;
}

}  // namespace certkit
