// certkit/own_identity.h: whether new material may replace a TLS endpoint's
// own certificate while connections use it (live reload). Policy for every
// front end: the C ABI's certkit_ssl_reload_* and the bindings' reload.
#ifndef CERTKIT_OWN_IDENTITY_H_
#define CERTKIT_OWN_IDENTITY_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "certkit/cert.h"
#include "certkit/verify.h"

namespace certkit {

// CheckOwnIdentityReplacement decides whether |next_chain| (leaf first) may
// replace |current_chain| as an endpoint's own certificate, with |next_trust|
// replacing |current_trust| as its trust anchors, at |now|
// (InfinitePast = the current time). It fails, so that the caller keeps the
// old material, when:
//   - the new leaf is expired (kCertExpired) or not yet valid
//     (kCertNotYetValid), naming it and the date: peers would refuse every
//     handshake;
//   - the current chain verifies under the current trust (a cluster whose
//     members trust their own CA) but the new chain does not verify under
//     the new trust: Verify's error, so a reload cannot install a
//     certificate the endpoint's own peers would refuse.
// An empty |next_chain| (no own certificate) always passes.
absl::Status CheckOwnIdentityReplacement(const std::vector<Certificate>& current_chain,
                                         const TrustStore& current_trust,
                                         const std::vector<Certificate>& next_chain,
                                         const TrustStore& next_trust,
                                         absl::Time now = absl::InfinitePast());

}  // namespace certkit

#endif  // CERTKIT_OWN_IDENTITY_H_
