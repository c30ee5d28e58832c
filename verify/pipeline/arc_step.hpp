// arc_step.hpp - ARC's part of a message's flow (message_session.hpp), beside DKIM's.
//
// header() hands every field to the ArcVerifier; end_of_headers() starts its key lookups
// with DKIM's, in the same hand-off to the scheduler, under the same budget and deadline
// (through the message's ScopedResolver, counted by the ARC SecurityTally); the body goes
// through DKIM's hashes. At end of message, after DKIM's finish(), finish_arc() validates
// the chain; DMARC then may be overridden by a trusted sealer (apply_arc_override).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "coro/task.hpp"
#include "resolver/ip_address.hpp"
#include "verify/arc/arc_output.hpp"
#include "verify/arc/trusted_sealer.hpp"
#include "verify/authres/auth_results.hpp"
#include "verify/pipeline/auth_settings.hpp"
#include "verify/pipeline/message_state.hpp"

namespace enma::pipeline {

struct DmarcVerdict;

// ArcVerdict - the chain's outcome, for the A-R, the log record, DMARC and a sealer.
struct ArcVerdict {
    arc::ArcOutput m_output;
    resolver::Security m_security = resolver::Security::unchecked;  // of the key answers
    bool m_looked_up = false;  // some key was looked up (m_security is meaningful)
    std::optional<arc::SealerEndorsement> m_override;  // the sealer that overrode DMARC
};

std::unique_ptr<arc::ArcVerifier> make_arc_verifier(const AuthSettings& settings);

// start_arc_lookups - one task per key the chain needs, added to `tasks`.
void start_arc_lookups(const std::shared_ptr<MessageState>& state,
                       std::vector<coro::Task<void>>& tasks);

// finish_arc - after the DkimVerifier's finish() (the body hashes are shared).
ArcVerdict finish_arc(MessageState& state);

// arc_auth_result - arc=pass (i=2 as.2.d=example.org cv=pass) header.oldest-pass=...
// smtp.remote-ip=... (RFC 8617 10.1).
verify::AuthResult arc_auth_result(const ArcVerdict& verdict, const resolver::IpAddress& client);

// apply_arc_override - a DMARC fail whose policy asks for more than none, on a message a
// trusted sealer vouches for: the disposition becomes none, the action none, the override
// local_policy with the comment "arc=pass as.N.d=SEALER METHOD=pass" (RFC 8617 7.2.2), and
// `arc` remembers which sealer did it.
void apply_arc_override(ArcVerdict& arc, DmarcVerdict& dmarc, const MessageState& state,
                        const AuthSettings& settings);

}  // namespace enma::pipeline
