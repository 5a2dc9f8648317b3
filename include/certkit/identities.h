// certkit/identities.h: the SPIFFE identities of a cluster's clients and
// the CQL that maps each to its role for Cassandra 5.0's
// MutualTlsAuthenticator (`certkit cluster identities`; see
// docs/CASSANDRA_MTLS.md).
#ifndef CERTKIT_IDENTITIES_H_
#define CERTKIT_IDENTITIES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace certkit {

// One client certificate's identity.
struct ClientIdentity {
  std::string client;     // the client's name in the manifest
  std::string role;       // the CQL role it maps to: the client's name
  std::string spiffe_id;  // its SPIFFE ID (the certificate's URI SAN)
  std::string cert_file;  // the certificate read, relative to the cluster directory
};

// ClusterIdentities reads the certificate of every client that
// |cluster_dir|/manifest.json records, in manifest order, and returns its
// SPIFFE ID: the one URI SAN starting with "spiffe://" (a valid SPIFFE ID,
// certkit/spiffe.h). Fails (naming the client and file) when a certificate
// cannot be read, has no SPIFFE ID (kNotFound: issue it with --spiffe-id,
// or renew it after `cluster add --spiffe-id`), holds more than one (an
// X.509-SVID has exactly one), an invalid one, or one another client has
// (an identity maps to one role); an empty list when the
// cluster has no clients.
absl::StatusOr<std::vector<ClientIdentity>> ClusterIdentities(const std::string& cluster_dir);

// CqlString returns |text| as a CQL string literal: in single quotes, each
// quote doubled.
std::string CqlString(absl::string_view text);

// IdentitiesCql returns one statement per line: with |create_roles|,
// first `CREATE ROLE IF NOT EXISTS '<role>' WITH LOGIN = true;` per
// distinct role, then `ADD IDENTITY IF NOT EXISTS '<id>' TO ROLE '<role>';`
// per identity (Cassandra 5.0's grammar; names as CQL string literals, so
// a role keeps its case). Every statement may be run again.
std::string IdentitiesCql(const std::vector<ClientIdentity>& identities, bool create_roles);

}  // namespace certkit

#endif  // CERTKIT_IDENTITIES_H_
