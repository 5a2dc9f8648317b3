// certkit/node_spec.h: how `cluster init` and `cluster add` name a node and
// give it all its host names and addresses.
//
// A node is written NAME or NAME=HOST+HOST...: NAME is its folder
// (nodes/NAME), its subject CN and its first SAN; each HOST is one more SAN.
// Every part is classified as an IP address (IPv4, or IPv6 with or without
// brackets) or a DNS name (SubjectAltName::Host in certkit/name.h). '=' and
// '+' occur in neither, so the form is unambiguous; ',' separates nodes in a
// --nodes list and is refused inside one node.
//
//   db1                                  CN=db1, DNS:db1
//   10.0.0.1                             CN=10.0.0.1, IP:10.0.0.1
//   db3.example.com=10.0.0.3+10.0.0.4    CN=db3.example.com, DNS:db3.example.com,
//                                        IP:10.0.0.3, IP:10.0.0.4
//   db4=fd00::4+db4.internal             CN=db4, DNS:db4, IP:fd00::4, DNS:db4.internal
#ifndef CERTKIT_NODE_SPEC_H_
#define CERTKIT_NODE_SPEC_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "certkit/manifest.h"

namespace certkit {

// One node as given: |hosts| is the name first, then its other hosts, each
// as written (ClusterInit/ClusterAdd classify them again when signing).
struct NodeSpec {
  std::string name;
  std::vector<std::string> hosts;
};

// ParseNodeSpec parses one node, "NAME" or "NAME=HOST+HOST..." (spaces
// around it are ignored). kInvalidArgument quoting the node when: it is
// empty; the name or a host is empty (nothing before '=', nothing after it,
// "++", a leading or trailing '+'); it has a second '=', a ',' (hosts are
// joined by '+'), or a '+' without '='; the name or a host is neither an IP
// address nor a valid DNS name; a host is listed twice for the node.
absl::StatusOr<NodeSpec> ParseNodeSpec(absl::string_view text);

// SplitNodeList splits one --nodes list at ',' into node items (each
// checked later by ParseNodeSpec; spaces around items are dropped).
// kInvalidArgument quoting the list when an item is empty, or when a list
// that has a NAME=... item also has a bare IP address item: that reads as
// the "NAME=IP,IP" a user may mean for one node's two addresses, so it is
// refused with the '+' form to write instead (a node named by an address
// alone is given on its own, e.g. `--node 10.0.0.4`).
absl::StatusOr<std::vector<std::string>> SplitNodeList(absl::string_view list);

// ParseNodeSpecs parses |items| (ParseNodeSpec) and checks them together:
// kInvalidArgument when a name is listed twice, or when one host (IP
// addresses compared canonically, DNS names without case) belongs to two
// nodes, naming the host and both nodes.
absl::StatusOr<std::vector<NodeSpec>> ParseNodeSpecs(const std::vector<std::string>& items);

// CheckNodeHostsFree: kInvalidArgument when a host of |nodes| is already a
// host of a node of |manifest| (the manifest's --san extras, shared by
// every node, are not counted), naming the host and both nodes.
absl::Status CheckNodeHostsFree(const std::vector<NodeSpec>& nodes, const Manifest& manifest);

// NodeDialHost is the host a probe of |node| dials: its name when that is
// an IP address (in canonical form, without brackets); else its first IP address given for it (a record's hosts,
// without the manifest's shared |extra_sans|); else its name (a DNS name).
std::string NodeDialHost(const LeafRecord& node, const std::vector<std::string>& extra_sans);

}  // namespace certkit

#endif  // CERTKIT_NODE_SPEC_H_
